import { runService } from '@flowgenie/runtime';
import { executorService } from './compose-worker';

/** The executor (steps worker): `tsx services/execution/src/main.worker.ts`. */
// Steps in flight finish before exit (a step's time limit bounds the wait; default 30 s).
runService(executorService, { shutdownTimeoutMs: 60_000 });
