# envs/dev called the modules itself before the environments shared modules/foundation: these
# keep an existing dev's resources in place (a plan shows moves, not replacements).
moved {
  from = module.network
  to   = module.foundation.module.network
}

moved {
  from = module.database
  to   = module.foundation.module.database
}

moved {
  from = module.cache
  to   = module.foundation.module.cache
}

moved {
  from = module.ecr
  to   = module.foundation.module.ecr
}

moved {
  from = module.payloads
  to   = module.foundation.module.payloads
}

moved {
  from = module.amplify
  to   = module.foundation.module.amplify
}

moved {
  from = aws_ssm_parameter.foundation
  to   = module.foundation.aws_ssm_parameter.foundation
}
