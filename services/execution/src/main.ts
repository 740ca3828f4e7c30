import { runService } from '@flowgenie/runtime';
import { executionService } from './compose';

/** The execution API + 'execution' event consumer: `tsx services/execution/src/main.ts`. */
runService(executionService);
