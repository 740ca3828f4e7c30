import { runService } from '@flowgenie/runtime';
import { catalogService } from './compose';

// The only file (with lambda.ts) that reads process.env.
runService(catalogService);
