import { runService } from '@flowgenie/runtime';
import { authService } from './compose';

runService(authService);
