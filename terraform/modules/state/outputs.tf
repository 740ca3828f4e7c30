output "bucket_name" {
  description = "Name of the state bucket (backend `bucket`)."
  value       = aws_s3_bucket.this.id
}

output "bucket_arn" {
  description = "ARN of the state bucket."
  value       = aws_s3_bucket.this.arn
}

output "lock_table_name" {
  description = "Name of the lock table (backend `dynamodb_table`)."
  value       = aws_dynamodb_table.locks.name
}

output "lock_table_arn" {
  description = "ARN of the lock table."
  value       = aws_dynamodb_table.locks.arn
}
