export { WorkflowsPage } from './components/WorkflowsPage';
export {
  activateWorkflow,
  deactivateWorkflow,
  getWorkflow,
  listWorkflows,
  nextFireTimes,
  publishWorkflow,
  updateWorkflow,
} from './api';
export { activationErrorMessage } from './activation';
