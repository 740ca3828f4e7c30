variable "region" {
  description = "AWS region of the environment."
  type        = string
  default     = "eu-west-1"
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

variable "spa_environment_variables" {
  description = "Build-time variables of the SPA, e.g. VITE_API_URL (the API URL CDK outputs). Public: no secrets."
  type        = map(string)
  default     = {}
}

variable "api_url" {
  description = "The HTTP API's URL (CDK output FlowGenie-<env>-Api.ApiUrl): Amplify proxies /api/*, /hooks/* and /.well-known/* to it. Null before the first CDK deploy."
  type        = string
  default     = null
}
