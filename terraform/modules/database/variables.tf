variable "name" {
  description = "Identifier of the DB instance and name prefix of its subnet, parameter and security groups."
  type        = string
}

variable "vpc_id" {
  description = "VPC the database's security group belongs to."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets of the DB subnet group (at least two availability zones)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "RDS needs subnets in at least two availability zones."
  }
}

variable "allowed_security_group_ids" {
  description = "Security groups allowed to connect on the Postgres port (the platform's services security group)."
  type        = list(string)
  default     = []
}

variable "engine_version" {
  description = "Postgres major (or major.minor) version. The platform is built and tested on 15."
  type        = string
  default     = "15"
}

variable "instance_class" {
  description = "RDS instance class."
  type        = string
  default     = "db.t4g.micro"
}

variable "allocated_storage" {
  description = "Initial storage in GiB (gp3)."
  type        = number
  default     = 20
}

variable "max_allocated_storage" {
  description = "Upper bound in GiB for storage autoscaling; 0 turns autoscaling off."
  type        = number
  default     = 100
}

variable "db_name" {
  description = "Database created on the instance; every service uses its own schema in it."
  type        = string
  default     = "flowgenie"
}

variable "username" {
  description = "Master user name. Its password is generated and rotated by RDS in Secrets Manager, never in Terraform state."
  type        = string
  default     = "flowgenie"
}

variable "multi_az" {
  description = "Run a synchronous standby in a second availability zone."
  type        = bool
  default     = false
}

variable "backup_retention_days" {
  description = "Days of automated backups (the point-in-time recovery window, 1-35)."
  type        = number
  default     = 7

  validation {
    condition     = var.backup_retention_days >= 1 && var.backup_retention_days <= 35
    error_message = "backup_retention_days must be between 1 and 35 (RDS's range; 0 would turn backups off)."
  }
}

variable "deletion_protection" {
  description = "Refuse to delete the instance until this is turned off."
  type        = bool
  default     = true
}

variable "skip_final_snapshot" {
  description = "Delete without a final snapshot. Irreversible data loss on destroy when true; keep false outside throwaway environments."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
