variable "environment" {
  description = "Environment name: resource name part (flowgenie-<environment>) and SSM path (/flowgenie/<environment>/...) the CDK stacks read."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,15}$", var.environment))
    error_message = "environment must be 2-16 lowercase letters, digits or dashes, starting with a letter."
  }
}

variable "vpc_cidr" {
  description = "CIDR block of the environment's VPC (give each environment its own, should they ever be peered)."
  type        = string
}

variable "az_count" {
  description = "Availability zones of the network. CDK's Foundation construct assumes 2."
  type        = number
  default     = 2
}

variable "single_nat_gateway" {
  description = "One NAT gateway for all private subnets (cheaper; one zone's outage cuts egress) instead of one per zone."
  type        = bool
  default     = true
}

variable "db_instance_class" {
  description = "RDS instance class of the Postgres database."
  type        = string
  default     = "db.t4g.micro"
}

variable "db_allocated_storage" {
  description = "Initial database storage in GiB (gp3)."
  type        = number
  default     = 20
}

variable "db_max_allocated_storage" {
  description = "Upper bound in GiB of the database's storage autoscaling."
  type        = number
  default     = 100
}

variable "db_multi_az" {
  description = "Run a synchronous database standby in a second availability zone."
  type        = bool
  default     = false
}

variable "db_backup_retention_days" {
  description = "Days of automated database backups (the point-in-time recovery window, 1-35)."
  type        = number
  default     = 7
}

variable "db_skip_final_snapshot" {
  description = "Destroy the database without a final snapshot (irreversible data loss on destroy)."
  type        = bool
  default     = false
}

variable "deletion_protection" {
  description = "Protect the environment's data: RDS deletion protection on, and the image repository and payload bucket refuse to be destroyed while not empty."
  type        = bool
  default     = false
}

variable "cache_node_type" {
  description = "ElastiCache node type of Redis."
  type        = string
  default     = "cache.t4g.micro"
}

variable "cache_replicas" {
  description = "Redis read replicas besides the primary; at least 1 turns on automatic failover and Multi-AZ."
  type        = number
  default     = 0
}

variable "cache_snapshot_retention_days" {
  description = "Days of daily Redis snapshots kept; 0 turns snapshots off."
  type        = number
  default     = 1
}

variable "ecr_max_image_count" {
  description = "Most recent tagged platform images kept in the repository."
  type        = number
  default     = 50
}

variable "payload_retention_days" {
  description = "Days large payloads passed by reference are kept; must equal the services' PAYLOAD_RETENTION_DAYS (30 unless the CDK app sets it)."
  type        = number
  default     = 30
}

variable "spa_repository" {
  description = "Git repository Amplify builds the SPA from; null for deploys by upload (the pipeline's)."
  type        = string
  default     = null
}

variable "spa_access_token" {
  description = "GitHub token for Amplify (TF_VAR_spa_access_token in the pipeline, never in a file)."
  type        = string
  default     = null
  sensitive   = true
}

variable "spa_branch_name" {
  description = "Amplify branch the SPA is deployed to."
  type        = string
  default     = "main"
}

variable "spa_environment_variables" {
  description = "Build-time variables of the SPA, e.g. VITE_API_URL. Public: no secrets."
  type        = map(string)
  default     = {}
}

variable "api_url" {
  description = "The HTTP API's URL (CDK output FlowGenie-<environment>-Api.ApiUrl): Amplify proxies /api/*, /hooks/* and /.well-known/* to it. Null before the first CDK deploy."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags added to every resource (the root's provider adds project, environment and managed-by)."
  type        = map(string)
  default     = {}
}
