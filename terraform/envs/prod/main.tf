provider "aws" {
  region = var.region

  default_tags {
    tags = {
      project     = "flowgenie"
      environment = "prod"
      managed-by  = "terraform"
    }
  }
}

# No single zone takes prod down: a NAT gateway per zone, a Multi-AZ database, a Redis replica
# with automatic failover. A month of backups, and its data refuses `terraform destroy`.
module "foundation" {
  source = "../../modules/foundation"

  environment = "prod"
  vpc_cidr    = "10.40.0.0/16"

  single_nat_gateway            = false
  db_instance_class             = "db.m7g.large"
  db_allocated_storage          = 100
  db_max_allocated_storage      = 1000
  db_multi_az                   = true
  db_backup_retention_days      = 30
  cache_node_type               = "cache.m7g.large"
  cache_replicas                = 1
  cache_snapshot_retention_days = 7
  ecr_max_image_count           = 100
  deletion_protection           = true

  spa_repository            = var.spa_repository
  spa_access_token          = var.spa_access_token
  spa_environment_variables = var.spa_environment_variables
  api_url                   = var.api_url
}
