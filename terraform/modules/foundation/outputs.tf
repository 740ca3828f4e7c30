output "ssm_parameter_names" {
  description = "SSM parameters written for the CDK stacks."
  value       = [for p in aws_ssm_parameter.foundation : p.name]
}

output "ecr_repository_url" {
  description = "Where the pipeline pushes the platform image."
  value       = module.ecr.repository_url
}

output "spa_url" {
  description = "URL of the SPA on Amplify (allow it in the API's CORS origins)."
  value       = module.amplify.branch_url
}

output "amplify_app_id" {
  description = "ID of the Amplify app the pipeline deploys the SPA to (aws amplify create-deployment)."
  value       = module.amplify.app_id
}

output "payload_bucket_name" {
  description = "Bucket of large payloads passed by reference."
  value       = module.payloads.bucket_name
}
