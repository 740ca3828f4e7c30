provider "aws" {
  region = var.region

  default_tags {
    tags = {
      project     = "flowgenie"
      environment = var.environment
      managed-by  = "terraform"
    }
  }
}

locals {
  name = "flowgenie-${var.environment}"
}

module "network" {
  source = "../../modules/network"

  name               = local.name
  cidr_block         = var.vpc_cidr
  az_count           = var.az_count
  single_nat_gateway = true
}

module "database" {
  source = "../../modules/database"

  name                       = local.name
  vpc_id                     = module.network.vpc_id
  subnet_ids                 = module.network.private_subnet_ids
  allowed_security_group_ids = [module.network.services_security_group_id]
  instance_class             = "db.t4g.micro"
  multi_az                   = false
}

module "cache" {
  source = "../../modules/cache"

  name                       = local.name
  vpc_id                     = module.network.vpc_id
  subnet_ids                 = module.network.private_subnet_ids
  allowed_security_group_ids = [module.network.services_security_group_id]
  replicas                   = 0
}

module "ecr" {
  source = "../../modules/ecr"

  name = "${local.name}-platform"
}

module "payloads" {
  source = "../../modules/payloads"

  bucket_prefix = "${local.name}-payloads-"
}

module "amplify" {
  source = "../../modules/amplify"

  name                  = local.name
  repository            = var.spa_repository
  access_token          = var.spa_access_token
  environment_variables = var.spa_environment_variables
  api_url               = var.api_url
}
