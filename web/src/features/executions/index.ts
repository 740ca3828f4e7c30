export { ExecutionsPage } from './components/ExecutionsPage';
export { ExecutionPage } from './components/ExecutionPage';
export { StepRunDetails } from './components/StepRunDetails';
export { useExecutionStore, executionRuns } from './store';
export { useExecutionWatch } from './hooks/useExecutionWatch';
export { cancelExecution, getExecution, startRun } from './api';
