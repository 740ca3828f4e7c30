export { ExecutionsPage } from './components/ExecutionsPage';
export { ExecutionPage } from './components/ExecutionPage';
export { StepRunDetails } from './components/StepRunDetails';
export { useExecutionStore } from './store';
