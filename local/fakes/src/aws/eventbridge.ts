import { randomUUID } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { listenFake, type FakeListenOptions, type StartedFake } from '../common';
import { matchesEventPattern, type BusEvent } from './event-pattern';
import { sendToSqs } from './sqs-target';

/** A rule of the fake bus: an event pattern and the SQS queue its matches are delivered to. */
export interface FakeEventRule {
  /** For messages and the record of deliveries (e.g. the consumer's name). */
  name: string;
  pattern: unknown;
  /** The target queue's URL on the local SQS server. */
  queueUrl: string;
}

export interface FakeEventBridgeOptions extends FakeListenOptions {
  /** The bus PutEvents entries must name (EventBusName); others fail as on AWS. */
  busName: string;
  /** @default none yet: see `route` */
  rules?: FakeEventRule[];
  account?: string;
  region?: string;
}

export interface FakeEventBridge extends StartedFake {
  /** Every event accepted, with the rules it was delivered through. */
  readonly events: Array<{ event: BusEvent; rules: string[] }>;
  /** Replaces the rules (events put before any rule are accepted and go nowhere, as on AWS). */
  route(rules: FakeEventRule[]): void;
}

const PUT_EVENTS_TARGET = 'AWSEvents.PutEvents';
/** PutEvents refuses a request whose entries together exceed this (as an entry too). */
const MAX_ENTRY_BYTES = 256 * 1024;

/**
 * A small EventBridge for tests: PutEvents over the JSON 1.1 protocol the SDK speaks
 * (`X-Amz-Target: AWSEvents.PutEvents`), each accepted entry wrapped as EventBridge delivers it
 * (version, id, detail-type, source, account, time, region, resources, detail) and sent to the
 * SQS queue of every rule whose pattern matches. Entries for another bus, without a detail type
 * or source, with a detail that is not a JSON object or above 256 KB fail with EventBridge's
 * error codes, the rest of the request going through.
 *
 * @example
 * const bus = await startFakeEventBridge({ busName: 'flowgenie', rules: [{ name: 'trigger', pattern, queueUrl }] });
 * process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = bus.url;
 */
export async function startFakeEventBridge(opts: FakeEventBridgeOptions): Promise<FakeEventBridge> {
  const events: FakeEventBridge['events'] = [];
  let rules = opts.rules ?? [];
  const account = opts.account ?? '000000000000';
  const region = opts.region ?? 'us-east-1';
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ type: 'application/x-amz-json-1.1', limit: '2mb' }));
  app.post('/', async (req: Request, res: Response) => {
    const fail = (status: number, type: string, message: string) =>
      res.status(status).type('application/x-amz-json-1.1').json({ __type: type, message });
    if (req.header('x-amz-target') !== PUT_EVENTS_TARGET)
      return fail(400, 'UnknownOperationException', `the fake serves ${PUT_EVENTS_TARGET} only`);
    const entries = (req.body as { Entries?: unknown }).Entries;
    if (!Array.isArray(entries) || entries.length < 1 || entries.length > 10)
      return fail(400, 'ValidationException', 'Entries must hold 1 to 10 entries');
    const results = [];
    for (const entry of entries as Array<Record<string, unknown>>) {
      const problem = entryProblem(entry, opts.busName);
      if (problem) {
        results.push(problem);
        continue;
      }
      const event: BusEvent = {
        version: '0',
        id: randomUUID(),
        'detail-type': entry.DetailType,
        source: entry.Source,
        account,
        time: new Date().toISOString(),
        region,
        resources: entry.Resources ?? [],
        detail: JSON.parse(entry.Detail as string),
      };
      const matched = rules.filter((r) => matchesEventPattern(r.pattern, event));
      try {
        for (const rule of matched) await sendToSqs(rule.queueUrl, JSON.stringify(event));
      } catch (err) {
        results.push({ ErrorCode: 'InternalFailure', ErrorMessage: (err as Error).message });
        continue;
      }
      events.push({ event, rules: matched.map((r) => r.name) });
      results.push({ EventId: event.id });
    }
    res.type('application/x-amz-json-1.1').json({
      FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length,
      Entries: results,
    });
  });
  const started = await listenFake(app, opts, () => undefined);
  return {
    ...started,
    events,
    route(next) {
      rules = [...next];
    },
  };
}

function entryProblem(
  entry: Record<string, unknown>,
  busName: string,
): { ErrorCode: string; ErrorMessage: string } | undefined {
  const bus = entry.EventBusName ?? 'default';
  if (bus !== busName && !String(bus).endsWith(`:event-bus/${busName}`))
    return {
      ErrorCode: 'ResourceNotFoundException',
      ErrorMessage: `Event bus ${String(bus)} does not exist.`,
    };
  if (typeof entry.DetailType !== 'string' || !entry.DetailType)
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'DetailType is missing' };
  if (typeof entry.Source !== 'string' || !entry.Source)
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Source is missing' };
  if (Buffer.byteLength(JSON.stringify(entry)) > MAX_ENTRY_BYTES)
    return {
      ErrorCode: 'ValidationException',
      ErrorMessage: 'Total size of the entries in the request is over the limit.',
    };
  try {
    const detail: unknown = JSON.parse(String(entry.Detail));
    if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) throw new Error();
  } catch {
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  }
  return undefined;
}
