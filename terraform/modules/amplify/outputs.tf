output "app_id" {
  description = "ID of the Amplify app."
  value       = aws_amplify_app.this.id
}

output "default_domain" {
  description = "Amplify's default domain of the app."
  value       = aws_amplify_app.this.default_domain
}

output "branch_url" {
  description = "HTTPS URL of the production branch (add it to the API's CORS origins)."
  value       = "https://${aws_amplify_branch.main.branch_name}.${aws_amplify_app.this.default_domain}"
}
