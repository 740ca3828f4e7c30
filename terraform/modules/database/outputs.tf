output "address" {
  description = "Host name of the instance."
  value       = aws_db_instance.this.address
}

output "port" {
  description = "Port Postgres listens on."
  value       = aws_db_instance.this.port
}

output "db_name" {
  description = "Name of the database on the instance."
  value       = aws_db_instance.this.db_name
}

output "master_user_secret_arn" {
  description = "ARN of the RDS-managed Secrets Manager secret holding the master user's username and password."
  value       = aws_db_instance.this.master_user_secret[0].secret_arn
}

output "security_group_id" {
  description = "Security group of the instance."
  value       = aws_security_group.this.id
}

output "instance_id" {
  description = "Identifier of the DB instance."
  value       = aws_db_instance.this.identifier
}
