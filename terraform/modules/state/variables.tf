variable "bucket_name" {
  description = "Name of the S3 bucket holding Terraform state (globally unique)."
  type        = string
}

variable "lock_table_name" {
  description = "Name of the DynamoDB table holding Terraform state locks."
  type        = string
  default     = "flowgenie-terraform-locks"
}

variable "noncurrent_version_expiration_days" {
  description = "Days old state versions are kept (for recovering from a bad apply)."
  type        = number
  default     = 90
}

variable "force_destroy" {
  description = "Allow destroying the bucket while it holds state. Irreversible loss of every environment's state when true."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
