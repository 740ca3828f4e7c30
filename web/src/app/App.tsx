import { useEffect } from 'react';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { Toaster } from '../components/Toaster';
import { AuthPage, useSessionStore } from '../features/auth';
import { WorkflowsPage } from '../features/workflows';
import { EditorPage } from '../features/workflow-editor';
import { ExecutionsPage, ExecutionPage } from '../features/executions';
import { ApiKeysPage } from '../features/account';
import { ConnectionsPage } from '../features/connections';
import { Layout } from './Layout';
import { RequireAuth } from './RequireAuth';
import { NotFoundPage } from './NotFoundPage';

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
