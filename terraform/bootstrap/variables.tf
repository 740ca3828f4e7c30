variable "region" {
  description = "AWS region of the state bucket and lock table."
  type        = string
  default     = "eu-west-1"
}

variable "state_bucket_name" {
  description = "Name of the state bucket (globally unique, e.g. flowgenie-terraform-state-<account alias>)."
  type        = string
}

variable "lock_table_name" {
  description = "Name of the lock table."
  type        = string
  default     = "flowgenie-terraform-locks"
}
