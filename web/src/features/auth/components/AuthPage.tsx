import { useState, type FormEvent } from 'react';
import { Link, Navigate, useLocation, useNavigate } from 'react-router';
import { Button } from '../../../components/Button';
import { Banner, InlineError } from '../../../components/InlineError';
import { TextField } from '../../../components/TextField';
import { ApiError, describeError, fieldErrors } from '../../../lib/api-client';
import { useSessionStore } from '../session';

interface Props {
  mode: 'signin' | 'signup';
}

const MIN_PASSWORD = 10;

export function AuthPage({ mode }: Props) {
  const status = useSessionStore((s) => s.status);
  const notice = useSessionStore((s) => s.notice);
  const signIn = useSessionStore((s) => s.signIn);
  const signUp = useSessionStore((s) => s.signUp);
  const clearNotice = useSessionStore((s) => s.clearNotice);
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from ?? '/workflows';

  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<{ email?: string; password?: string; form?: string }>({});

  if (status === 'signedIn') return <Navigate to={from} replace />;

  const isSignup = mode === 'signup';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const local: typeof errors = {};
    if (!/^\S+@\S+\.\S+$/.test(email.trim()))
      local.email = 'Enter an email address like name@example.com.';
    if (isSignup && password.length < MIN_PASSWORD)
      local.password = `Use at least ${MIN_PASSWORD} characters.`;
    if (!isSignup && password.length === 0) local.password = 'Enter your password.';
    setErrors(local);
    if (Object.keys(local).length > 0) return;
    setBusy(true);
    try {
      if (isSignup) await signUp(email.trim(), password);
      else await signIn(email.trim(), password);
      clearNotice();
      navigate(from, { replace: true });
    } catch (err) {
      const fields = fieldErrors(err);
      if (err instanceof ApiError && err.status === 401) {
        setErrors({ form: 'That email and password do not match an account.' });
      } else if (err instanceof ApiError && err.status === 409) {
        // The server does not say why (see docs/ARCHITECTURE.md, Security); a taken email is the usual reason.
        setErrors({
          email:
            'Could not create an account with this email. If you already have one, sign in instead.',
        });
      } else if (fields.email || fields.password) {
        setErrors({ email: fields.email, password: fields.password });
      } else {
        setErrors({ form: describeError(err) });
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="flex min-h-full items-center justify-center bg-slate-100 p-6">
      <div className="w-full max-w-sm">
        <div className="mb-6 flex items-center justify-center gap-2 text-xl font-semibold">
          <img src="/favicon.svg" alt="" className="h-8 w-8" />
          FlowGenie
        </div>
        <form
          onSubmit={submit}
          noValidate
          className="space-y-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm"
          aria-labelledby="auth-title"
        >
          <h1 id="auth-title" className="text-lg font-semibold">
            {isSignup ? 'Create your account' : 'Sign in'}
          </h1>
          {notice && (
            <Banner kind={notice.includes('expired') ? 'warning' : 'info'} testId="auth-notice">
              {notice}
            </Banner>
          )}
          <TextField
            label="Email"
            type="email"
            autoComplete="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            error={errors.email}
            required
            autoFocus
            data-testid="auth-email"
          />
          <TextField
            label="Password"
            type="password"
            autoComplete={isSignup ? 'new-password' : 'current-password'}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={errors.password}
            hint={isSignup ? `At least ${MIN_PASSWORD} characters.` : undefined}
            required
            maxLength={200}
            data-testid="auth-password"
          />
          <InlineError message={errors.form} />
          <Button
            type="submit"
            variant="primary"
            className="w-full"
            loading={busy}
            data-testid="auth-submit"
          >
            {isSignup ? 'Create account' : 'Sign in'}
          </Button>
          <p className="text-center text-sm text-slate-600">
            {isSignup ? (
              <>
                Already have an account?{' '}
                <Link
                  to="/signin"
                  state={location.state}
                  className="font-medium text-indigo-600 hover:underline"
                >
                  Sign in
                </Link>
              </>
            ) : (
              <>
                New to FlowGenie?{' '}
                <Link
                  to="/signup"
                  state={location.state}
                  className="font-medium text-indigo-600 hover:underline"
                >
                  Create an account
                </Link>
              </>
            )}
          </p>
        </form>
      </div>
    </div>
  );
}
