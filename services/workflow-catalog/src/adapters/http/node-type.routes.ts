import { Router } from 'express';
import type { UseCases } from '../../app/use-cases';

/** `/node-types`: the palette and config forms of the builder. */
export function nodeTypeRoutes(uc: UseCases): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    res.json({ items: await uc.listNodeTypes() });
  });
  return router;
}
