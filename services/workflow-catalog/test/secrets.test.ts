import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { WORKFLOW_SECRET_CONTEXT, type WorkflowGraph } from '@flowgenie/contracts';
import { EnvelopeSecrets, LocalFileSecretsKey } from '@flowgenie/platform';
import { SECRET_PLACEHOLDER } from '@flowgenie/workflow';
import { aWebhookGraph, startCatalog, type TestCatalog } from './helpers';

let catalog: TestCatalog;
let alice: { userId: string; token: string };

beforeAll(async () => {
  catalog = await startCatalog('catalog_secrets');
  alice = await catalog.userToken();
});
afterAll(() => catalog.close());

const asAlice = (method: string, path: string, body?: unknown) =>
  catalog.call(method, path, { token: alice.token, body });
const newSecret = () => `whsec_${randomUUID()}`;

/** aWebhookGraph() with the webhook node's config replaced. */
function webhookGraph(hookConfig: Record<string, unknown>): WorkflowGraph {
  const graph = aWebhookGraph();
  graph.nodes[0] = { ...graph.nodes[0], config: hookConfig };
  return graph;
}

const hookConfigOf = (graph: WorkflowGraph) => graph.nodes.find((n) => n.id === 'hook')?.config;

/** A stored or announced secret is sealed: never the clear value, and it opens to it with the master key. */
async function expectSealed(value: unknown, secret: string): Promise<void> {
  expect(typeof value).toBe('string');
  expect(value).toMatch(/^fgenv1:/);
  expect(String(value)).not.toContain(secret);
  const envelope = new EnvelopeSecrets(
    await LocalFileSecretsKey.open(catalog.config.SECRETS_KEY_FILE),
  );
  await expect(envelope.open(String(value), WORKFLOW_SECRET_CONTEXT)).resolves.toBe(secret);
}

/** What the trigger service receives for a test run of the draft (the internal run spec). */
async function draftRunSpec(workflowId: string): Promise<{ graph: WorkflowGraph }> {
  const res = await catalog.call(
    'GET',
    `/internal/workflows/${workflowId}/run-spec?ownerId=${alice.userId}&draft=true`,
    { token: catalog.serviceToken },
  );
  expect(res.status).toBe(200);
  return res.body;
}

async function createSigned(name: string, secret: string) {
  const res = await asAlice('POST', '/workflows', {
    name,
    graph: webhookGraph({ method: 'POST', hmacSecret: secret }),
  });
  expect(res.status).toBe(201);
  return res;
}

const outboxEnvelopes = async (workflowId: string, type: string) =>
  (
    await catalog.db
      .selectFrom('outbox')
      .selectAll()
      .where('type', '=', type)
      .orderBy('created_at')
      .execute()
  )
    .map((row) => row.envelope)
    .filter((envelope) => (envelope.data as { workflowId?: string }).workflowId === workflowId);

describe('secret config fields are encrypted at rest', () => {
  it('stores no clear secret in any table of the catalog, drafts, versions and outbox included', async () => {
    const secret = newSecret();
    const created = await createSigned('At rest', secret);
    expect((await asAlice('POST', `/workflows/${created.body.id}/publish`)).status).toBe(201);
    expect((await asAlice('POST', `/workflows/${created.body.id}/activate`)).status).toBe(200);
    const tables = await sql<{
      table_name: string;
    }>`select table_name from information_schema.tables where table_schema = ${'workflow_catalog'}`.execute(
      catalog.db,
    );
    expect(tables.rows.length).toBeGreaterThan(2);
    for (const { table_name } of tables.rows) {
      const rows = await sql<{
        row: string;
      }>`select t::text as row from ${sql.table(`workflow_catalog.${table_name}`)} t`.execute(
        catalog.db,
      );
      expect({ table_name, leaks: rows.rows.filter((r) => r.row.includes(secret)).length }).toEqual(
        { table_name, leaks: 0 },
      );
    }
  });

  it('refuses a secret that is too short with a located 400, storing nothing', async () => {
    const res = await asAlice('POST', '/workflows', {
      name: 'Short secret',
      graph: webhookGraph({ method: 'POST', hmacSecret: 'short' }),
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0]).toMatchObject({
      path: 'graph.nodes.0.config.hmacSecret',
      nodeId: 'hook',
    });
    expect(res.body.error.message).toMatch(/16 to 256 characters/);
  });
});

describe('secret config fields are write-only', () => {
  it('never shows a webhook secret in create, get or list answers', async () => {
    const secret = newSecret();
    const created = await createSigned('Signed hook', secret);
    expect(JSON.stringify(created.body)).not.toContain(secret);
    expect(hookConfigOf(created.body.graph)).toEqual({
      method: 'POST',
      hmacSecret: SECRET_PLACEHOLDER,
    });

    const got = await asAlice('GET', `/workflows/${created.body.id}`);
    expect(got.status).toBe(200);
    expect(JSON.stringify(got.body)).not.toContain(secret);
    expect(hookConfigOf(got.body.graph)).toEqual({
      method: 'POST',
      hmacSecret: SECRET_PLACEHOLDER,
    });
    expect(got.body.validation).toEqual({ ok: true, errors: [] });

    const list = await asAlice('GET', '/workflows');
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).not.toContain(secret);

    // The service holds it sealed: encrypted at rest, openable only with the master key.
    await expectSealed(
      hookConfigOf((await draftRunSpec(created.body.id)).graph)?.hmacSecret,
      secret,
    );
  });

  it('shows no placeholder for a webhook without a secret', async () => {
    const res = await asAlice('POST', '/workflows', {
      name: 'Unsigned',
      graph: webhookGraph({ method: 'POST' }),
    });
    expect(hookConfigOf(res.body.graph)).toEqual({ method: 'POST' });
  });

  it('keeps the secret when the GET body is saved back unchanged', async () => {
    const secret = newSecret();
    const created = await createSigned('Round trip', secret);
    expect((await asAlice('POST', `/workflows/${created.body.id}/publish`)).status).toBe(201);

    const got = (await asAlice('GET', `/workflows/${created.body.id}`)).body;
    const saved = await asAlice('PUT', `/workflows/${created.body.id}`, {
      name: got.name,
      description: got.description,
      graph: got.graph,
    });
    expect(saved.status).toBe(200);
    expect(JSON.stringify(saved.body)).not.toContain(secret);
    expect(hookConfigOf(saved.body.graph)?.hmacSecret).toBe(SECRET_PLACEHOLDER);
    // Nothing changed: the draft still equals the published version.
    expect(saved.body.draftChangedSincePublish).toBe(false);
    await expectSealed(
      hookConfigOf((await draftRunSpec(created.body.id)).graph)?.hmacSecret,
      secret,
    );

    // Activating announces the secret to the trigger service (it verifies signatures), sealed.
    const activated = await asAlice('POST', `/workflows/${created.body.id}/activate`);
    expect(activated.status).toBe(200);
    expect(JSON.stringify(activated.body)).not.toContain(secret);
    const [event] = await outboxEnvelopes(created.body.id, 'workflow.activated');
    await expectSealed(
      hookConfigOf((event.data as { graph: WorkflowGraph }).graph)?.hmacSecret,
      secret,
    );
    const [published] = await outboxEnvelopes(created.body.id, 'workflow.published');
    await expectSealed(
      hookConfigOf((published.data as { graph: WorkflowGraph }).graph)?.hmacSecret,
      secret,
    );

    const deactivated = await asAlice('POST', `/workflows/${created.body.id}/deactivate`);
    expect(deactivated.status).toBe(200);
    expect(JSON.stringify(deactivated.body)).not.toContain(secret);
  });

  it('replaces the secret with a new value and removes it when the field is left out', async () => {
    const created = await createSigned('Rotate', newSecret());
    const id = created.body.id as string;

    const rotated = newSecret();
    const put1 = await asAlice('PUT', `/workflows/${id}`, {
      graph: webhookGraph({ method: 'POST', hmacSecret: rotated }),
    });
    expect(put1.status).toBe(200);
    expect(hookConfigOf(put1.body.graph)?.hmacSecret).toBe(SECRET_PLACEHOLDER);
    await expectSealed(hookConfigOf((await draftRunSpec(id)).graph)?.hmacSecret, rotated);

    const put2 = await asAlice('PUT', `/workflows/${id}`, {
      graph: webhookGraph({ method: 'POST' }),
    });
    expect(put2.status).toBe(200);
    expect(hookConfigOf(put2.body.graph)).toEqual({ method: 'POST' });
    expect(hookConfigOf((await draftRunSpec(id)).graph)).toEqual({ method: 'POST' });

    // With nothing stored, the placeholder cannot stand for anything: the webhook stays unsigned.
    const put3 = await asAlice('PUT', `/workflows/${id}`, {
      graph: webhookGraph({ method: 'POST', hmacSecret: SECRET_PLACEHOLDER }),
    });
    expect(put3.status).toBe(200);
    expect(hookConfigOf(put3.body.graph)).toEqual({ method: 'POST' });
    expect(hookConfigOf((await draftRunSpec(id)).graph)).toEqual({ method: 'POST' });
  });

  it('does not show the secret in published versions, while a run of the version uses it', async () => {
    const secret = newSecret();
    const created = await createSigned('Versioned', secret);
    expect((await asAlice('POST', `/workflows/${created.body.id}/publish`)).status).toBe(201);

    const version = await asAlice('GET', `/workflows/${created.body.id}/versions/1`);
    expect(version.status).toBe(200);
    expect(JSON.stringify(version.body)).not.toContain(secret);
    expect(hookConfigOf(version.body.graph)?.hmacSecret).toBe(SECRET_PLACEHOLDER);

    const spec = await catalog.call(
      'GET',
      `/internal/workflows/${created.body.id}/run-spec?ownerId=${alice.userId}`,
      { token: catalog.serviceToken },
    );
    expect(spec.status).toBe(200);
    expect(spec.body.version).toBe(1);
    await expectSealed(hookConfigOf(spec.body.graph)?.hmacSecret, secret);
  });

  it('exports the placeholder and lists what was omitted; the import stores the webhook unsigned', async () => {
    const secret = newSecret();
    const created = await createSigned('Exported', secret);

    const exported = await asAlice('GET', `/workflows/${created.body.id}/export`);
    expect(exported.status).toBe(200);
    expect(JSON.stringify(exported.body)).not.toContain(secret);
    expect(hookConfigOf(exported.body.graph)).toEqual({
      method: 'POST',
      hmacSecret: SECRET_PLACEHOLDER,
    });
    expect(exported.body.secretsOmitted).toEqual([{ nodeId: 'hook', field: 'hmacSecret' }]);

    const imported = await asAlice('POST', '/workflows/import', exported.body);
    expect(imported.status).toBe(201);
    // The secret is optional for a webhook: it is simply not set, and the draft stays valid.
    expect(hookConfigOf(imported.body.graph)).toEqual({ method: 'POST' });
    expect(imported.body.validation).toEqual({ ok: true, errors: [] });
    expect(hookConfigOf((await draftRunSpec(imported.body.id)).graph)).toEqual({ method: 'POST' });
  });

  it('duplicates a workflow together with its secret, without showing it', async () => {
    const secret = newSecret();
    const created = await createSigned('Copied', secret);

    const copy = await asAlice('POST', `/workflows/${created.body.id}/duplicate`);
    expect(copy.status).toBe(201);
    expect(JSON.stringify(copy.body)).not.toContain(secret);
    expect(hookConfigOf(copy.body.graph)?.hmacSecret).toBe(SECRET_PLACEHOLDER);
    await expectSealed(hookConfigOf((await draftRunSpec(copy.body.id)).graph)?.hmacSecret, secret);
  });
});
