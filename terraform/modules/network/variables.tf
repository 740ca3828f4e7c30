variable "name" {
  description = "Name prefix of every resource, e.g. flowgenie-dev."
  type        = string
}

variable "cidr_block" {
  description = "IPv4 CIDR block of the VPC. Subnets are /24s carved from it (public from index 0, private from index 10)."
  type        = string
  default     = "10.20.0.0/16"

  validation {
    condition     = can(cidrhost(var.cidr_block, 0))
    error_message = "cidr_block must be a valid IPv4 CIDR block."
  }
}

variable "az_count" {
  description = "Number of availability zones: one public and one private subnet in each. CDK's Foundation construct must be told the same number."
  type        = number
  default     = 2

  validation {
    condition     = var.az_count >= 2 && var.az_count <= 3
    error_message = "az_count must be 2 or 3 (RDS and ElastiCache subnet groups need at least two zones)."
  }
}

variable "single_nat_gateway" {
  description = "Use one NAT gateway for all private subnets (cheaper, one zone's outage cuts egress) instead of one per zone."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
