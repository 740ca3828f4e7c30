import { useState, type FormEvent } from 'react';
import { Link, Navigate, useLocation, useNavigate } from 'react-router';
import type { GoogleSignInErrorCode } from '@flowgenie/contracts';
import { Button } from '../../../components/Button';
import { Banner, InlineError } from '../../../components/InlineError';
import { TextField } from '../../../components/TextField';
import { ApiError, describeError, fieldErrors } from '../../../lib/api-client';
import { toast } from '../../../stores/toasts';
import { linkGoogle } from '../api';
import { useSessionStore } from '../session';
import { GoogleSignInButton } from './GoogleSignInButton';

interface Props {
  mode: 'signin' | 'signup';
}

const MIN_PASSWORD = 10;

/** What the Google callback's `?error=<code>` means to the user (a message for every contract code). */
const GOOGLE_ERRORS: Record<string, string> = {
  google_email_unverified:
    'Google has not verified the email address of that account. Verify it with Google, or sign in with your password.',
  google_access_denied: 'Google sign-in was cancelled.',
  google_state_invalid:
    'That Google sign-in expired or was started in another browser. Please try again.',
  google_account_conflict:
    'An account with this email is linked to a different Google account. Sign in with that one.',
  google_sign_in_disabled: 'Sign in with Google is not available.',
  google_sign_in_failed: 'Google sign-in failed. Please try again.',
} satisfies Record<GoogleSignInErrorCode, string>;

/** After a password sign-in that proves the account, link the waiting Google account to it. */
async function completeGoogleLink(linkToken: string) {
  try {
    const { email } = await linkGoogle(linkToken);
    toast.success(`Google account ${email} linked: you can now sign in with Google.`);
  } catch (err) {
    toast.error(`Google was not linked: ${describeError(err)}`);
  }
}

export function AuthPage({ mode }: Props) {
  const status = useSessionStore((s) => s.status);
  const notice = useSessionStore((s) => s.notice);
  const signIn = useSessionStore((s) => s.signIn);
  const signUp = useSessionStore((s) => s.signUp);
  const clearNotice = useSessionStore((s) => s.clearNotice);
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from ?? '/workflows';
  const query = new URLSearchParams(location.search);
  const linkToken = mode === 'signin' ? query.get('link') : null;
  const googleError = query.get('error');

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
      if (linkToken) await completeGoogleLink(linkToken);
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
          {linkToken && (
            <Banner kind="info" testId="google-link-notice">
              This email already has a password account: sign in to link Google.
            </Banner>
          )}
          {googleError && (
            <Banner kind="error" testId="google-error">
              {GOOGLE_ERRORS[googleError] ?? GOOGLE_ERRORS.google_sign_in_failed}
            </Banner>
          )}
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
          {!linkToken && <GoogleSignInButton />}
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
