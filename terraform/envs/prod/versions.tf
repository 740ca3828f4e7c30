terraform {
  required_version = ">= 1.9.0, < 2.0.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 7.0"
    }
  }

  # Partial configuration: `terraform init -backend-config=backend.hcl` (bucket and lock table
  # come from terraform/bootstrap).
  backend "s3" {
    key     = "flowgenie/prod/terraform.tfstate"
    encrypt = true
  }
}
