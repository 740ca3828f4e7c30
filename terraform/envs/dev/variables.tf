variable "environment" {
  description = "Environment name: resource name part and SSM path (/flowgenie/<environment>/...) CDK reads."
  type        = string
  default     = "dev"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,15}$", var.environment))
    error_message = "environment must be 2-16 lowercase letters, digits or dashes, starting with a letter."
  }
}

variable "region" {
  description = "AWS region of the environment."
  type        = string
  default     = "eu-west-1"
}

variable "vpc_cidr" {
  description = "CIDR block of the environment's VPC."
  type        = string
  default     = "10.20.0.0/16"
}

variable "az_count" {
  description = "Availability zones of the network. CDK's Foundation construct assumes 2."
  type        = number
  default     = 2
}

variable "spa_repository" {
  description = "Git repository Amplify builds the SPA from; null for manual deploys."
  type        = string
  default     = null
}

variable "spa_access_token" {
  description = "GitHub token for Amplify (TF_VAR_spa_access_token in the pipeline, never in a file)."
  type        = string
  default     = null
  sensitive   = true
}

variable "spa_environment_variables" {
  description = "Build-time variables of the SPA, e.g. VITE_API_URL (the API URL CDK outputs). Public: no secrets."
  type        = map(string)
  default     = {}
}

variable "api_url" {
  description = "The HTTP API's URL (CDK output FlowGenie-dev-Api.ApiUrl): Amplify proxies /api/*, /hooks/* and /.well-known/* to it. Null before the first CDK deploy."
  type        = string
  default     = null
}
