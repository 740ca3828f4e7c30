provider "aws" {
  region = var.region

  default_tags {
    tags = {
      project    = "flowgenie"
      managed-by = "terraform"
    }
  }
}

module "state" {
  source = "../modules/state"

  bucket_name     = var.state_bucket_name
  lock_table_name = var.lock_table_name
}
