import type { EventData, EventType, WorkflowGraph } from '@flowgenie/contracts';
import { SECRET_PLACEHOLDER } from '@flowgenie/workflow';
import { InvalidGraphError, NothingPublishedError } from '../domain/errors';
import type { LastExecution, Workflow, WorkflowVersion } from '../domain/workflow';
import type {
  WorkflowListQuery,
  WorkflowStore,
  WorkflowTransaction,
} from '../ports/workflow-store';
import { buildUseCases } from './use-cases';

/** An in-memory WorkflowStore: committed state plus the events each committed transaction emitted. */
class InMemoryStore implements WorkflowStore {
  workflows = new Map<string, Workflow>();
  versions = new Map<string, WorkflowVersion>();
  events: Array<{ type: EventType; data: unknown }> = [];

  async get(ownerId: string, id: string) {
    const wf = this.workflows.get(id);
    return wf && wf.ownerId === ownerId ? structuredClone(wf) : undefined;
  }
  async list(q: WorkflowListQuery) {
    return [...this.workflows.values()].filter((w) => w.ownerId === q.ownerId).slice(0, q.limit);
  }
  async listVersions(workflowId: string) {
    return [...this.versions.values()]
      .filter((v) => v.workflowId === workflowId)
      .sort((a, b) => b.version - a.version);
  }
  async getVersion(workflowId: string, version: number) {
    return this.versions.get(`${workflowId}/${version}`);
  }
  async transaction<T>(fn: (tx: WorkflowTransaction) => Promise<T>): Promise<T> {
    // Work on copies; commit only if fn resolves.
    const workflows = new Map(this.workflows);
    const versions = new Map(this.versions);
    const events: Array<{ type: EventType; data: unknown }> = [];
    const tx: WorkflowTransaction = {
      getForUpdate: async (ownerId, id) => {
        const wf = workflows.get(id);
        return wf && wf.ownerId === ownerId ? structuredClone(wf) : undefined;
      },
      insert: async (w) => void workflows.set(w.id, structuredClone(w)),
      update: async (w) => void workflows.set(w.id, structuredClone(w)),
      remove: async (id) => {
        workflows.delete(id);
        for (const key of [...versions.keys()]) if (key.startsWith(`${id}/`)) versions.delete(key);
      },
      insertVersion: async (v) =>
        void versions.set(`${v.workflowId}/${v.version}`, structuredClone(v)),
      getVersion: async (id, n) => versions.get(`${id}/${n}`),
      emit: async <T extends EventType>(type: T, data: EventData<T>) =>
        void events.push({ type, data }),
    };
    const result = await fn(tx);
    this.workflows = workflows;
    this.versions = versions;
    this.events.push(...events);
    return result;
  }
}

/** What the test sealer below makes of a clear value. */
const sealedForm = (v: string) => `fgenv1:${Buffer.from(v).toString('base64')}`;
const OWNER = '6f1c2a8e-1b2c-4d3e-8f9a-0b1c2d3e4f5a';
let seq = 0;
/** The execution service's answer as the port gives it: `undefined` is "did not answer". */
let lastRuns: Map<string, LastExecution> | undefined;
const setup = () => {
  lastRuns = new Map();
  const store = new InMemoryStore();
  const uc = buildUseCases({
    store,
    clock: { now: () => new Date(Date.UTC(2026, 0, 1, 0, 0, seq++)) },
    ids: {
      workflowId: () => `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`,
      hookId: () => `hook-${seq}-abcdefghijklmnop`,
    },
    // Reversible stand-in for the envelope: enough to see that stored values are not the clear ones.
    secrets: {
      seal: async (v: string) => `fgenv1:${Buffer.from(v).toString('base64')}`,
      isSealed: (v: unknown) => typeof v === 'string' && v.startsWith('fgenv1:'),
    },
    // No graph here names a connection; the check against auth is covered in test/connection-checks.test.ts.
    connections: {
      check: async (_ownerId, items) =>
        items.map((i) => ({ connectionId: i.connectionId, result: 'ok' as const })),
    },
    lastExecutions: {
      of: async (_ownerId, ids) =>
        lastRuns && new Map([...lastRuns].filter(([id]) => ids.includes(id))),
    },
  });
  return { store, uc };
};

const valid = (expression = 'trigger'): WorkflowGraph => ({
  nodes: [
    { id: 'start', type: 'manual', position: { x: 0, y: 0 }, config: {} },
    { id: 'shape', type: 'transform', position: { x: 1, y: 0 }, config: { expression } },
  ],
  edges: [{ id: 'e1', source: 'start', sourceHandle: 'main', target: 'shape' }],
});

describe('publishing', () => {
  it('refuses an invalid draft, stores no version and emits nothing', async () => {
    const { store, uc } = setup();
    const { workflow } = await uc.createWorkflow({ ownerId: OWNER, name: 'x' });
    await expect(uc.publishWorkflow({ ownerId: OWNER, workflowId: workflow.id })).rejects.toThrow(
      InvalidGraphError,
    );
    expect(store.versions.size).toBe(0);
    expect(store.events).toEqual([]);
  });

  it('numbers versions and announces each with its graph', async () => {
    const { store, uc } = setup();
    const { workflow } = await uc.createWorkflow({ ownerId: OWNER, name: 'x', graph: valid() });
    await uc.publishWorkflow({ ownerId: OWNER, workflowId: workflow.id });
    await uc.updateWorkflow({ ownerId: OWNER, workflowId: workflow.id, graph: valid('trigger.n') });
    const v2 = await uc.publishWorkflow({ ownerId: OWNER, workflowId: workflow.id });
    expect(v2.version).toBe(2);
    expect(store.events.map((e) => [e.type, (e.data as { version: number }).version])).toEqual([
      ['workflow.published', 1],
      ['workflow.published', 2],
    ]);
    expect((await store.getVersion(workflow.id, 1))?.graph).toEqual(valid());
  });
});

describe('activation and deletion', () => {
  it('refuses to activate before anything is published', async () => {
    const { uc } = setup();
    const { workflow } = await uc.createWorkflow({ ownerId: OWNER, name: 'x', graph: valid() });
    await expect(uc.activateWorkflow({ ownerId: OWNER, workflowId: workflow.id })).rejects.toThrow(
      NothingPublishedError,
    );
  });

  it('deactivates before deleting an active workflow; an inactive one only announces the deletion', async () => {
    const { store, uc } = setup();
    const a = (await uc.createWorkflow({ ownerId: OWNER, name: 'a', graph: valid() })).workflow;
    const b = (await uc.createWorkflow({ ownerId: OWNER, name: 'b', graph: valid() })).workflow;
    await uc.publishWorkflow({ ownerId: OWNER, workflowId: a.id });
    await uc.activateWorkflow({ ownerId: OWNER, workflowId: a.id });
    store.events = [];
    await uc.deleteWorkflow({ ownerId: OWNER, workflowId: a.id });
    await uc.deleteWorkflow({ ownerId: OWNER, workflowId: b.id });
    expect(
      store.events.map((e) => `${e.type} ${(e.data as { workflowId: string }).workflowId}`),
    ).toEqual([
      `workflow.deactivated ${a.id}`,
      `workflow.deleted ${a.id}`,
      `workflow.deleted ${b.id}`,
    ]);
  });

  it('deactivating an inactive workflow emits nothing', async () => {
    const { store, uc } = setup();
    const { workflow } = await uc.createWorkflow({ ownerId: OWNER, name: 'x', graph: valid() });
    await uc.deactivateWorkflow({ ownerId: OWNER, workflowId: workflow.id });
    expect(store.events).toEqual([]);
  });
});

describe('last runs', () => {
  it('shows each listed workflow with the last run the execution service reports', async () => {
    const { uc } = setup();
    const ran = (await uc.createWorkflow({ ownerId: OWNER, name: 'ran', graph: valid() })).workflow;
    const idle = (await uc.createWorkflow({ ownerId: OWNER, name: 'idle', graph: valid() }))
      .workflow;
    const run = { id: 'x1', status: 'running' as const, at: new Date('2026-02-01T00:00:00Z') };
    lastRuns!.set(ran.id, run);

    const page = await uc.listWorkflows({ ownerId: OWNER, limit: 10 });
    const byId = new Map(page.items.map((d) => [d.workflow.id, d]));
    expect(byId.get(ran.id)).toMatchObject({ lastExecution: run, lastExecutionKnown: true });
    expect(byId.get(idle.id)).toMatchObject({ lastExecution: null, lastExecutionKnown: true });
  });

  it('answers with the last run unknown when the execution service does not answer', async () => {
    const { uc } = setup();
    const { workflow } = await uc.createWorkflow({ ownerId: OWNER, name: 'x', graph: valid() });
    lastRuns = undefined;

    const page = await uc.listWorkflows({ ownerId: OWNER, limit: 10 });
    expect(page.items.map((d) => [d.workflow.id, d.lastExecution, d.lastExecutionKnown])).toEqual([
      [workflow.id, null, false],
    ]);
    expect(await uc.getWorkflow({ ownerId: OWNER, workflowId: workflow.id })).toMatchObject({
      lastExecution: null,
      lastExecutionKnown: false,
    });
  });
});

describe('secrets', () => {
  const SECRET = 'an-hmac-secret-of-some-length';
  const signed = (hmacSecret?: string): WorkflowGraph => ({
    nodes: [
      {
        id: 'hook',
        type: 'webhook',
        position: { x: 0, y: 0 },
        config: { method: 'POST', ...(hmacSecret === undefined ? {} : { hmacSecret }) },
      },
      {
        id: 'shape',
        type: 'transform',
        position: { x: 1, y: 0 },
        config: { expression: '{{ trigger.body }}' },
      },
    ],
    edges: [{ id: 'e1', source: 'hook', sourceHandle: 'main', target: 'shape' }],
  });

  it('keeps the stored secret when a save sends the placeholder back', async () => {
    const { store, uc } = setup();
    const { workflow } = await uc.createWorkflow({
      ownerId: OWNER,
      name: 'x',
      graph: signed(SECRET),
    });
    await uc.updateWorkflow({
      ownerId: OWNER,
      workflowId: workflow.id,
      graph: signed(SECRET_PLACEHOLDER),
    });
    expect(store.workflows.get(workflow.id)?.graph).toEqual(signed(sealedForm(SECRET)));
  });

  it('exports the placeholder and names the omitted secret; importing it leaves the secret unset', async () => {
    const { store, uc } = setup();
    const { workflow } = await uc.createWorkflow({
      ownerId: OWNER,
      name: 'x',
      graph: signed(SECRET),
    });
    const document = await uc.exportWorkflow({ ownerId: OWNER, workflowId: workflow.id });
    expect(document.graph).toEqual(signed(SECRET_PLACEHOLDER));
    expect(document.secretsOmitted).toEqual([{ nodeId: 'hook', field: 'hmacSecret' }]);
    const imported = await uc.importWorkflow({ ownerId: OWNER, document });
    expect(store.workflows.get(imported.workflow.id)?.graph).toEqual(signed());
    expect(imported.validation.ok).toBe(true);
  });

  it('imports a version 1 document, rewriting its raw JSONata to {{ }}', async () => {
    const { store, uc } = setup();
    const legacy = signed();
    legacy.nodes[1].config = { expression: 'trigger.body' };
    const imported = await uc.importWorkflow({
      ownerId: OWNER,
      document: {
        format: 'flowgenie.workflow',
        formatVersion: 1,
        name: 'old',
        description: '',
        graph: legacy,
      },
    });
    expect(store.workflows.get(imported.workflow.id)?.graph).toEqual(signed());
  });

  it('announces the secret sealed when publishing (the trigger service opens it to verify signatures)', async () => {
    const { store, uc } = setup();
    const { workflow } = await uc.createWorkflow({
      ownerId: OWNER,
      name: 'x',
      graph: signed(SECRET),
    });
    await uc.publishWorkflow({ ownerId: OWNER, workflowId: workflow.id });
    expect((store.events[0].data as { graph: WorkflowGraph }).graph).toEqual(
      signed(sealedForm(SECRET)),
    );
  });
});
