import { runService } from '@flowgenie/runtime';
import { triggerService } from './compose';

runService(triggerService);
