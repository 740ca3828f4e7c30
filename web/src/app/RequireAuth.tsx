import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { Button } from '../components/Button';
import { Spinner } from '../components/Spinner';
import { useSessionStore } from '../features/auth';

/** Routes behind sign-in. Remembers where the user was going so sign-in can return there. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const status = useSessionStore((s) => s.status);
  const bootstrap = useSessionStore((s) => s.bootstrap);
  const location = useLocation();
  if (status === 'loading') {
    return (
      <div className="flex h-full items-center justify-center">
        <Spinner label="Loading FlowGenie…" />
      </div>
    );
  }
  if (status === 'unreachable') {
    return (
      <div className="flex h-full flex-col items-center justify-center gap-3 text-center">
        <p role="alert" className="text-slate-700">
          Could not reach FlowGenie. Check your connection.
        </p>
        <Button onClick={() => void bootstrap()}>Try again</Button>
      </div>
    );
  }
  if (status === 'signedOut') {
    const from = location.pathname + location.search;
    return <Navigate to="/signin" replace state={{ from }} />;
  }
  return <>{children}</>;
}
