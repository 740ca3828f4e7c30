variable "name" {
  description = "Name of the Amplify app."
  type        = string
}

variable "repository" {
  description = "HTTPS URL of the Git repository Amplify builds from; null for an app deployed by uploading build artifacts."
  type        = string
  default     = null
}

variable "access_token" {
  description = "GitHub token Amplify uses to connect to the repository (set through TF_VAR_access_token, never in a file); null when repository is null."
  type        = string
  default     = null
  sensitive   = true
}

variable "branch_name" {
  description = "Branch deployed as the production branch."
  type        = string
  default     = "main"
}

variable "build_command" {
  description = "Command that builds the SPA from the repository root."
  type        = string
  default     = "npm run build --workspace=web"
}

variable "build_output_dir" {
  description = "Directory (relative to the repository root) holding the built SPA."
  type        = string
  default     = "web/dist"
}

variable "environment_variables" {
  description = "Build-time environment of the SPA, e.g. { VITE_API_URL = \"https://api.example.com\" }. Values end up in public JavaScript: no secrets."
  type        = map(string)
  default     = {}
}

variable "enable_auto_build" {
  description = "Build and deploy on every push to the branch."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}

variable "api_url" {
  description = "The HTTP API's URL (the CDK output FlowGenie-<stage>-Api.ApiUrl). When set, /api/*, /hooks/* and /.well-known/* are proxied to it from the SPA's origin; null before the first CDK deploy."
  type        = string
  default     = null

  validation {
    condition     = var.api_url == null || can(regex("^https://", var.api_url))
    error_message = "api_url must be an https:// URL."
  }
}
