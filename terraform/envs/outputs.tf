output "ssm_parameter_names" {
  description = "SSM parameters written for the CDK stacks."
  value       = module.foundation.ssm_parameter_names
}

output "ecr_repository_url" {
  description = "Where the pipeline pushes the platform image."
  value       = module.foundation.ecr_repository_url
}

output "spa_url" {
  description = "URL of the SPA on Amplify (allow it in the API's CORS origins)."
  value       = module.foundation.spa_url
}

output "amplify_app_id" {
  description = "ID of the Amplify app the pipeline deploys the SPA to (aws amplify create-deployment)."
  value       = module.foundation.amplify_app_id
}
