import { parentPort } from 'node:worker_threads';
import { ExpressionError } from '../errors';
import {
  runRequest,
  type IsolateFailure,
  type IsolateReply,
  type IsolateRequest,
} from './protocol';

// Runs inside a worker thread that the pool terminates at its deadline or when it runs out of
// its heap: whatever an expression does here cannot stall or crash the executor.
const port = parentPort;
if (!port) throw new Error('expression-worker must run in a worker thread');

port.on('message', (request: IsolateRequest) => {
  void handle(request).then((reply) => port.postMessage(reply));
});
// Loaded: the pool starts a request's clock only from here, so a slow start never counts against it.
port.postMessage({ ready: true });

async function handle(request: IsolateRequest): Promise<IsolateReply> {
  const source = request.kind === 'evaluate' ? request.source : '';
  try {
    const value = await runRequest(request);
    return { id: request.id, ok: true, value };
  } catch (err) {
    return { id: request.id, ok: false, error: toFailure(err, source) };
  }
}

function toFailure(err: unknown, source: string): IsolateFailure {
  if (err instanceof ExpressionError) {
    return {
      message: err.message,
      code: err.code,
      expression: err.expression,
      path: err.path,
      position: err.position,
      reason: err.reason,
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  return {
    message: `expression "${source}": ${message}`,
    code: 'evaluation',
    expression: source,
  };
}
