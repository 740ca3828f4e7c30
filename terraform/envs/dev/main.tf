provider "aws" {
  region = var.region

  default_tags {
    tags = {
      project     = "flowgenie"
      environment = "dev"
      managed-by  = "terraform"
    }
  }
}

# The smallest footprint: one NAT gateway, single-AZ database, no Redis replica, and nothing
# protected from `terraform destroy`.
module "foundation" {
  source = "../../modules/foundation"

  environment = "dev"
  vpc_cidr    = "10.20.0.0/16"

  single_nat_gateway       = true
  db_instance_class        = "db.t4g.micro"
  db_multi_az              = false
  db_backup_retention_days = 7
  cache_node_type          = "cache.t4g.micro"
  cache_replicas           = 0
  deletion_protection      = false

  spa_repository            = var.spa_repository
  spa_access_token          = var.spa_access_token
  spa_environment_variables = var.spa_environment_variables
  api_url                   = var.api_url
}
