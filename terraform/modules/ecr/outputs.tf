output "repository_name" {
  description = "Name of the repository (published to SSM for the CDK executor)."
  value       = aws_ecr_repository.this.name
}

output "repository_url" {
  description = "URL to tag and push images to."
  value       = aws_ecr_repository.this.repository_url
}

output "repository_arn" {
  description = "ARN of the repository."
  value       = aws_ecr_repository.this.arn
}
