# One environment's foundation: every envs/<env> root calls this module with its own sizes, so the
# environments differ only in their inputs (envs/<env>/main.tf), never in copied module code.
locals {
  name = "flowgenie-${var.environment}"
}

module "network" {
  source = "../network"

  name               = local.name
  cidr_block         = var.vpc_cidr
  az_count           = var.az_count
  single_nat_gateway = var.single_nat_gateway
  tags               = var.tags
}

module "database" {
  source = "../database"

  name                       = local.name
  vpc_id                     = module.network.vpc_id
  subnet_ids                 = module.network.private_subnet_ids
  allowed_security_group_ids = [module.network.services_security_group_id]
  instance_class             = var.db_instance_class
  allocated_storage          = var.db_allocated_storage
  max_allocated_storage      = var.db_max_allocated_storage
  multi_az                   = var.db_multi_az
  backup_retention_days      = var.db_backup_retention_days
  deletion_protection        = var.deletion_protection
  skip_final_snapshot        = var.db_skip_final_snapshot
  tags                       = var.tags
}

module "cache" {
  source = "../cache"

  name                       = local.name
  vpc_id                     = module.network.vpc_id
  subnet_ids                 = module.network.private_subnet_ids
  allowed_security_group_ids = [module.network.services_security_group_id]
  node_type                  = var.cache_node_type
  replicas                   = var.cache_replicas
  snapshot_retention_days    = var.cache_snapshot_retention_days
  tags                       = var.tags
}

module "ecr" {
  source = "../ecr"

  name            = "${local.name}-platform"
  max_image_count = var.ecr_max_image_count
  # Protected environments keep their images when the stack is destroyed.
  force_delete = !var.deletion_protection
  tags         = var.tags
}

module "payloads" {
  source = "../payloads"

  bucket_prefix  = "${local.name}-payloads-"
  retention_days = var.payload_retention_days
  force_destroy  = !var.deletion_protection
  tags           = var.tags
}

module "amplify" {
  source = "../amplify"

  name                  = local.name
  repository            = var.spa_repository
  access_token          = var.spa_access_token
  branch_name           = var.spa_branch_name
  environment_variables = var.spa_environment_variables
  api_url               = var.api_url
  tags                  = var.tags
}
