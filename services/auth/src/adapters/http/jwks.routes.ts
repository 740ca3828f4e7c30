import { Router } from 'express';
import type { GetPublicKeys } from '../../app/get-public-keys';

/** `GET /.well-known/jwks.json`: public keys only, cacheable for five minutes. */
export function jwksRoutes(getPublicKeys: GetPublicKeys): Router {
  const router = Router();
  router.get('/.well-known/jwks.json', (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.json(getPublicKeys.execute());
  });
  return router;
}
