output "state_bucket_name" {
  description = "Put in envs/<env>/backend.hcl as bucket."
  value       = module.state.bucket_name
}

output "lock_table_name" {
  description = "Put in envs/<env>/backend.hcl as dynamodb_table."
  value       = module.state.lock_table_name
}
