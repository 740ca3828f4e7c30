locals {
  common_tags = merge(var.tags, { module = "cache" })
  failover    = var.replicas > 0
}

resource "aws_elasticache_subnet_group" "this" {
  name       = var.name
  subnet_ids = var.subnet_ids

  tags = local.common_tags
}

resource "aws_security_group" "this" {
  name        = "${var.name}-redis"
  description = "Redis of ${var.name}"
  vpc_id      = var.vpc_id

  tags = merge(local.common_tags, { Name = "${var.name}-redis" })
}

# count, not for_each: the IDs are usually unknown until the network module is applied.
resource "aws_vpc_security_group_ingress_rule" "redis" {
  count = length(var.allowed_security_group_ids)

  security_group_id            = aws_security_group.this.id
  description                  = "Redis from the platform's services"
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
  referenced_security_group_id = var.allowed_security_group_ids[count.index]
}

resource "aws_elasticache_parameter_group" "this" {
  name   = "${var.name}-redis7"
  family = "redis7"

  # BullMQ requires noeviction: an evicted job key is a lost workflow step.
  parameter {
    name  = "maxmemory-policy"
    value = "noeviction"
  }

  tags = local.common_tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_elasticache_replication_group" "this" {
  replication_group_id = var.name
  description          = "FlowGenie queues and locks (${var.name})"

  engine               = "redis"
  engine_version       = var.engine_version
  node_type            = var.node_type
  port                 = 6379
  parameter_group_name = aws_elasticache_parameter_group.this.name

  num_cache_clusters         = var.replicas + 1
  automatic_failover_enabled = local.failover
  multi_az_enabled           = local.failover

  subnet_group_name  = aws_elasticache_subnet_group.this.name
  security_group_ids = [aws_security_group.this.id]

  at_rest_encryption_enabled = true
  transit_encryption_enabled = true

  snapshot_retention_limit   = var.snapshot_retention_days
  auto_minor_version_upgrade = true
  apply_immediately          = false

  tags = local.common_tags
}
