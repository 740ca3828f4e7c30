import { createContext, useContext } from 'react';

/** The editor's test runner (save the draft, start a draft run, follow it live). */
export interface TestRunner {
  /** A draft test run; with `runNode`, only that step runs on its upstream steps' data. */
  run(payload: unknown, runNode?: string): Promise<boolean>;
  /** Follow an execution started elsewhere (a test webhook call) live on the canvas. */
  watch(executionId: string): Promise<void>;
  starting: boolean;
  error: string | null;
}

export const TestRunnerContext = createContext<TestRunner | null>(null);

export const useTestRunner = () => useContext(TestRunnerContext);
