variable "name" {
  description = "Replication group ID and name prefix of the subnet, parameter and security groups (at most 40 characters)."
  type        = string

  validation {
    condition     = length(var.name) <= 40
    error_message = "ElastiCache replication group IDs are at most 40 characters."
  }
}

variable "vpc_id" {
  description = "VPC the cache's security group belongs to."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets of the cache subnet group."
  type        = list(string)
}

variable "allowed_security_group_ids" {
  description = "Security groups allowed to connect on the Redis port (the platform's services security group)."
  type        = list(string)
  default     = []
}

variable "engine_version" {
  description = "Redis engine version. BullMQ needs 5.0 or later; the platform is tested on 7."
  type        = string
  default     = "7.1"
}

variable "node_type" {
  description = "ElastiCache node type."
  type        = string
  default     = "cache.t4g.micro"
}

variable "replicas" {
  description = "Read replicas besides the primary. At least 1 turns on automatic failover and Multi-AZ."
  type        = number
  default     = 0

  validation {
    condition     = var.replicas >= 0 && var.replicas <= 5
    error_message = "replicas must be between 0 and 5."
  }
}

variable "snapshot_retention_days" {
  description = "Days of daily snapshots kept; 0 turns snapshots off."
  type        = number
  default     = 1
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
