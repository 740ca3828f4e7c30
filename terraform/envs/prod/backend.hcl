# Values for `terraform init -backend-config=backend.hcl`; replace with the outputs of
# terraform/bootstrap in your account.
bucket         = "flowgenie-terraform-state-prod"
dynamodb_table = "flowgenie-terraform-locks"
region         = "eu-west-1"
