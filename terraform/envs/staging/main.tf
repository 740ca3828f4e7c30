provider "aws" {
  region = var.region

  default_tags {
    tags = {
      project     = "flowgenie"
      environment = "staging"
      managed-by  = "terraform"
    }
  }
}

# Prod's shape at a smaller size: the same single points of failure as dev (one NAT gateway,
# single-AZ database, no Redis replica), a week of backups, not protected from destroy.
module "foundation" {
  source = "../../modules/foundation"

  environment = "staging"
  vpc_cidr    = "10.30.0.0/16"

  single_nat_gateway            = true
  db_instance_class             = "db.t4g.small"
  db_multi_az                   = false
  db_backup_retention_days      = 7
  cache_node_type               = "cache.t4g.small"
  cache_replicas                = 0
  cache_snapshot_retention_days = 1
  deletion_protection           = false

  spa_repository            = var.spa_repository
  spa_access_token          = var.spa_access_token
  spa_environment_variables = var.spa_environment_variables
  api_url                   = var.api_url
}
