export { TestRunnerContext, type TestRunner } from './context';
export { PinnedDataSection } from './PinnedDataSection';
export { RunStepSection } from './RunStepSection';
export { TestWebhookSection } from './TestWebhookSection';
