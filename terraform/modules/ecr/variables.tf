variable "name" {
  description = "Name of the repository (the platform image every service and the executor run)."
  type        = string
}

variable "image_tag_mutability" {
  description = "IMMUTABLE (a tag always means the same image; deploy commit SHAs) or MUTABLE."
  type        = string
  default     = "IMMUTABLE"

  validation {
    condition     = contains(["IMMUTABLE", "MUTABLE"], var.image_tag_mutability)
    error_message = "image_tag_mutability must be IMMUTABLE or MUTABLE."
  }
}

variable "scan_on_push" {
  description = "Scan every pushed image for known vulnerabilities."
  type        = bool
  default     = true
}

variable "untagged_image_expiry_days" {
  description = "Days after which untagged images are deleted."
  type        = number
  default     = 14
}

variable "max_image_count" {
  description = "Number of most recent tagged images kept; older ones are deleted."
  type        = number
  default     = 50
}

variable "force_delete" {
  description = "Allow destroying the repository while it still holds images."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
