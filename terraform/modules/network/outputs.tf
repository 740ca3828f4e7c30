output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr_block" {
  description = "CIDR block of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "availability_zones" {
  description = "Availability zones the subnets are in, in subnet order."
  value       = local.azs
}

output "public_subnet_ids" {
  description = "IDs of the public subnets (NAT gateways only), one per availability zone."
  value       = aws_subnet.public[*].id
}

output "private_subnet_ids" {
  description = "IDs of the private subnets (RDS, ElastiCache, Lambdas, ECS tasks), one per availability zone."
  value       = aws_subnet.private[*].id
}

output "services_security_group_id" {
  description = "Security group of the platform's compute; the database and cache accept it."
  value       = aws_security_group.services.id
}

output "nat_public_ips" {
  description = "Public IPs outbound traffic leaves from (for allow-lists of called APIs)."
  value       = aws_eip.nat[*].public_ip
}
