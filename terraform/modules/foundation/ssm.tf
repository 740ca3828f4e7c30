# The foundation IDs the CDK stacks read (cdk-constructs/src/foundation.ts lists the same keys;
# a test checks that the two agree). CDK never hard-codes them.
locals {
  ssm_parameters = {
    "vpc-id"                     = module.network.vpc_id
    "private-subnet-ids"         = join(",", module.network.private_subnet_ids)
    "services-security-group-id" = module.network.services_security_group_id
    "db-secret-arn"              = module.database.master_user_secret_arn
    "db-host"                    = module.database.address
    "db-port"                    = tostring(module.database.port)
    "db-name"                    = module.database.db_name
    "redis-endpoint"             = module.cache.primary_endpoint_address
    "redis-port"                 = tostring(module.cache.port)
    "ecr-repository-name"        = module.ecr.repository_name
    "payload-bucket-name"        = module.payloads.bucket_name
  }
}

resource "aws_ssm_parameter" "foundation" {
  for_each = local.ssm_parameters

  name        = "/flowgenie/${var.environment}/${each.key}"
  description = "FlowGenie ${var.environment} ${each.key} (written by Terraform, read by CDK)"
  type        = each.key == "private-subnet-ids" ? "StringList" : "String"
  value       = each.value
}
