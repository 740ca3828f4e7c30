variable "bucket_prefix" {
  description = "Prefix of the bucket's name (S3 appends a unique suffix, as bucket names are global)."
  type        = string
}

variable "retention_days" {
  description = "Days after which stored payloads are deleted; keep equal to the services' PAYLOAD_RETENTION_DAYS."
  type        = number
  default     = 30

  validation {
    condition     = var.retention_days >= 1
    error_message = "retention_days must be at least 1."
  }
}

variable "force_destroy" {
  description = "Allow destroying the bucket while it still holds payloads."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Extra tags of every resource."
  type        = map(string)
  default     = {}
}
