import { GOOGLE_SIGN_IN_SCOPES, providerEndpointsFromEnv } from '@flowgenie/integrations';
import type { Redis } from '@flowgenie/platform';
import type { Config } from '../../config';
import type { GoogleSignInSetup } from '../http/google-sign-in.routes';
import { GooglePassport } from './google-passport';
import { RedisOAuthStateStore } from './redis-oauth-state-store';

/** Sign in with Google from configuration: off (with the reason) unless the client id and secret are set. */
export function googleSignInSetup(config: Config, redis: Redis): GoogleSignInSetup {
  if (!config.GOOGLE_CLIENT_ID)
    return { enabled: false, reason: 'Sign in with Google is off: GOOGLE_CLIENT_ID is not set' };
  if (!config.GOOGLE_CLIENT_SECRET)
    return {
      enabled: false,
      reason: 'Sign in with Google is off: GOOGLE_CLIENT_SECRET is not set',
    };
  const endpoints = providerEndpointsFromEnv({ GOOGLE_BASE_URL: config.GOOGLE_BASE_URL });
  return {
    enabled: true,
    fake: endpoints.fake,
    passport: new GooglePassport({
      clientId: config.GOOGLE_CLIENT_ID,
      clientSecret: config.GOOGLE_CLIENT_SECRET,
      callbackUrl: new URL('/api/auth/google/callback', config.PUBLIC_BASE_URL).toString(),
      endpoints: endpoints.google,
      scopes: GOOGLE_SIGN_IN_SCOPES,
      stateStore: new RedisOAuthStateStore(redis, config.REDIS_PREFIX),
    }),
  };
}
