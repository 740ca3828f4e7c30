export { WorkflowsPage } from './components/WorkflowsPage';
