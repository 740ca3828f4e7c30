import {
  catalogSchema,
  CreateApiKeyRequestSchema,
  LogInRequestSchema,
  LogOutRequestSchema,
  RefreshRequestSchema,
  SignUpRequestSchema,
  TokenRequestSchema,
} from '@flowgenie/contracts';

/** The routers parse with their catalog entry's schemas (`httpRoutes` in @flowgenie/contracts). */
export const SignUpBody = catalogSchema('post', '/api/auth/signup', 'body', SignUpRequestSchema);
export const LogInBody = catalogSchema('post', '/api/auth/login', 'body', LogInRequestSchema);
export const RefreshBody = catalogSchema('post', '/api/auth/refresh', 'body', RefreshRequestSchema);
export const LogOutBody = catalogSchema('post', '/api/auth/logout', 'body', LogOutRequestSchema);
export const CreateApiKeyBody = catalogSchema(
  'post',
  '/api/auth/api-keys',
  'body',
  CreateApiKeyRequestSchema,
);
export const ExchangeApiKeyBody = catalogSchema(
  'post',
  '/api/auth/token',
  'body',
  TokenRequestSchema,
);
