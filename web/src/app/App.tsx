import { lazy, Suspense, useEffect, type ComponentType } from 'react';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { Spinner } from '../components/Spinner';
import { Toaster } from '../components/Toaster';
import { ApiKeysPage } from '../features/account'; // small, and the account menu is on every page
import { AuthPage, useSessionStore } from '../features/auth';
import { Layout } from './Layout';
import { RequireAuth } from './RequireAuth';
import { NotFoundPage } from './NotFoundPage';

/** A page in its own chunk, loaded when its route is first visited (split by route). */
function page<K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) {
  const Lazy = lazy(async () => ({ default: (await load())[name] as ComponentType }));
  return function Page() {
    return (
      <Suspense
        fallback={
          <div className="p-6">
            <Spinner label="Loading…" />
          </div>
        }
      >
        <Lazy />
      </Suspense>
    );
  };
}

const WorkflowsPage = page(() => import('../features/workflows'), 'WorkflowsPage');
const EditorPage = page(() => import('../features/workflow-editor'), 'EditorPage');
const ExecutionsPage = page(() => import('../features/executions'), 'ExecutionsPage');
const ExecutionPage = page(() => import('../features/executions'), 'ExecutionPage');
const ConnectionsPage = page(() => import('../features/connections'), 'ConnectionsPage');

export function App() {
  const bootstrap = useSessionStore((s) => s.bootstrap);
  useEffect(() => {
    void bootstrap();
  }, [bootstrap]);
  return (
    <BrowserRouter>
      <Routes>
        <Route path="/signin" element={<AuthPage mode="signin" />} />
        {/* Where the Google sign-in callback sends the browser back (?error=, ?link=). */}
        <Route path="/login" element={<AuthPage mode="signin" />} />
        <Route path="/signup" element={<AuthPage mode="signup" />} />
        <Route
          element={
            <RequireAuth>
              <Layout />
            </RequireAuth>
          }
        >
          <Route index element={<Navigate to="/workflows" replace />} />
          <Route path="/workflows" element={<WorkflowsPage />} />
          <Route path="/workflows/:workflowId" element={<EditorPage />} />
          <Route path="/executions" element={<ExecutionsPage />} />
          <Route path="/executions/:executionId" element={<ExecutionPage />} />
          <Route path="/account/api-keys" element={<ApiKeysPage />} />
          <Route path="/connections" element={<ConnectionsPage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
      <Toaster />
    </BrowserRouter>
  );
}
