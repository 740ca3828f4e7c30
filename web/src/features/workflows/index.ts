export { WorkflowsPage } from './components/WorkflowsPage';
export {
  activateWorkflow,
  deactivateWorkflow,
  diffVersion,
  duplicateWorkflow,
  exportWorkflow,
  getWorkflow,
  listVersions,
  listWorkflows,
  nextFireTimes,
  publishWorkflow,
  updateWorkflow,
  type VersionDiff,
  type VersionSummary,
} from './api';
export { downloadJson, exportFileName } from './download';
export { activationErrorMessage } from './activation';
