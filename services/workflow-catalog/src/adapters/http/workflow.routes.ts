import { Router, type Request } from 'express';
import { z } from 'zod';
import { isUuid } from '@flowgenie/contracts';
import { parseOrThrow, UnauthorizedError, userOf } from '@flowgenie/platform';
import type { UseCases } from '../../app/use-cases';
import { WorkflowNotFoundError } from '../../domain/errors';
import { workflowJson, validationJson, versionJson } from './presenter';
import {
  ActivateBody,
  CreateWorkflowBody,
  DiffQuery,
  FromTemplateBody,
  ImportBody,
  ListQuery,
  ScheduleQuery,
  UpdateWorkflowBody,
  VersionParam,
} from './schemas';

/** Who the version history says published: the account, marked when an API key's token did it. */
function publisherOf(req: Request): string {
  const user = userOf(req);
  return user.sessionId ? user.email : `${user.email} (API key)`;
}

/** The caller's user id: every workflow belongs to one, and events name it as a uuid. */
function ownerOf(req: Request): string {
  const { id } = userOf(req);
  if (!isUuid(id)) throw new UnauthorizedError('invalid access token');
  return id;
}

/** The `:id` path parameter; an id that cannot exist is just not found. */
function workflowIdOf(req: Request): string {
  const id = req.params.id;
  if (!isUuid(id)) throw new WorkflowNotFoundError();
  return id.toLowerCase();
}

const ref = (req: Request) => ({ ownerId: ownerOf(req), workflowId: workflowIdOf(req) });

/**
 * `/workflows`: drafts, versions, activation, import/export. Mount behind `requireAuth`; every
 * route is scoped to the caller, so another user's workflow answers 404.
 */
export function workflowRoutes(uc: UseCases): Router {
  const router = Router();

  router.post('/', async (req, res) => {
    const body = parseOrThrow(CreateWorkflowBody, req.body ?? {});
    const details = await uc.createWorkflow({ ownerId: ownerOf(req), ...body });
    res.status(201).json(workflowJson(details));
  });

  router.get('/', async (req, res) => {
    const query = parseOrThrow(ListQuery, req.query, 'query');
    const page = await uc.listWorkflows({
      ownerId: ownerOf(req),
      ...query,
      cursor: query.cursor || undefined,
    });
    res.json({
      items: page.items.map((d) => workflowJson(d, { withGraph: false })),
      nextCursor: page.nextCursor,
    });
  });

  router.post('/import', async (req, res) => {
    const document = parseOrThrow(ImportBody, req.body ?? {});
    const details = await uc.importWorkflow({ ownerId: ownerOf(req), document });
    res.status(201).json(workflowJson(details));
  });

  router.get('/templates', (_req, res) => {
    res.json({ items: uc.listTemplates() });
  });

  router.post('/from-template', async (req, res) => {
    const body = parseOrThrow(FromTemplateBody, req.body ?? {});
    const details = await uc.createFromTemplate({ ownerId: ownerOf(req), ...body });
    res.status(201).json(workflowJson(details));
  });

  router.get('/:id', async (req, res) => {
    res.json(workflowJson(await uc.getWorkflow(ref(req))));
  });

  router.put('/:id', async (req, res) => {
    const target = ref(req);
    const body = parseOrThrow(UpdateWorkflowBody, req.body ?? {});
    res.json(workflowJson(await uc.updateWorkflow({ ...target, ...body })));
  });

  router.delete('/:id', async (req, res) => {
    await uc.deleteWorkflow(ref(req));
    res.status(204).end();
  });

  router.post('/:id/validate', async (req, res) => {
    res.json(validationJson(await uc.validateWorkflow(ref(req))));
  });

  router.post('/:id/publish', async (req, res) => {
    const version = await uc.publishWorkflow({ ...ref(req), publishedBy: publisherOf(req) });
    res.status(201).json(versionJson(version));
  });

  router.get('/:id/versions', async (req, res) => {
    const items = await uc.listVersions(ref(req));
    res.json({
      items: items.map((v) => ({
        version: v.version,
        createdAt: v.createdAt.toISOString(),
        publishedBy: v.publishedBy,
      })),
    });
  });

  router.get('/:id/versions/:version', async (req, res) => {
    const target = ref(req);
    const { version } = parseOrThrow(
      z.object({ version: VersionParam }),
      { version: req.params.version },
      'path',
    );
    res.json(versionJson(await uc.getVersion({ ...target, version }), { withGraph: true }));
  });

  router.get('/:id/versions/:version/diff', async (req, res) => {
    const target = ref(req);
    const { version } = parseOrThrow(
      z.object({ version: VersionParam }),
      { version: req.params.version },
      'path',
    );
    const { against } = parseOrThrow(DiffQuery, req.query, 'query');
    res.json(await uc.diffVersions({ ...target, version, against }));
  });

  router.post('/:id/activate', async (req, res) => {
    const target = ref(req);
    const body = parseOrThrow(ActivateBody, req.body ?? {});
    res.json(workflowJson(await uc.activateWorkflow({ ...target, version: body.version })));
  });

  router.post('/:id/deactivate', async (req, res) => {
    res.json(workflowJson(await uc.deactivateWorkflow(ref(req))));
  });

  router.post('/:id/duplicate', async (req, res) => {
    res.status(201).json(workflowJson(await uc.duplicateWorkflow(ref(req))));
  });

  router.get('/:id/export', async (req, res) => {
    res.json(await uc.exportWorkflow(ref(req)));
  });

  router.get('/:id/schedule', async (req, res) => {
    const target = ref(req);
    const { count } = parseOrThrow(ScheduleQuery, req.query, 'query');
    const times = await uc.getSchedule({ ...target, count });
    res.json({ nextFireTimes: times.map((t) => t.toISOString()) });
  });

  return router;
}
