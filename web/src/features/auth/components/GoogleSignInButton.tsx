import { useEffect, useState } from 'react';
import { GOOGLE_START_URL, googleSignInConfig, type GoogleSignInConfig } from '../api';

/**
 * "Sign in with Google", beside the password form. Hidden until the server says Google sign-in is
 * on (and when it cannot be asked); labelled "(fake)" when Google is the local fake. A link, not a
 * fetch: the browser goes to Google's consent screen and comes back signed in.
 */
export function GoogleSignInButton() {
  const [config, setConfig] = useState<GoogleSignInConfig | null>(null);
  useEffect(() => {
    let live = true;
    googleSignInConfig().then(
      (c) => live && setConfig(c),
      () => live && setConfig({ enabled: false }),
    );
    return () => {
      live = false;
    };
  }, []);
  if (!config?.enabled) return null;
  return (
    <div className="space-y-4">
      <div className="flex items-center gap-3 text-xs text-slate-500" aria-hidden="true">
        <span className="h-px flex-1 bg-slate-200" />
        or
        <span className="h-px flex-1 bg-slate-200" />
      </div>
      <a
        href={GOOGLE_START_URL}
        data-testid="google-sign-in"
        className="inline-flex h-9 w-full items-center justify-center gap-2 rounded-md border border-slate-300 bg-white px-3.5 text-sm font-medium text-slate-700 shadow-sm hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500"
      >
        <GoogleMark />
        Sign in with Google{config.fake ? ' (fake)' : ''}
      </a>
    </div>
  );
}

function GoogleMark() {
  return (
    <svg viewBox="0 0 24 24" className="h-4 w-4" aria-hidden="true">
      <path
        fill="#EA4335"
        d="M12 10.2v3.9h5.4c-.2 1.3-1.6 3.9-5.4 3.9-3.2 0-5.9-2.7-5.9-6s2.7-6 5.9-6c1.9 0 3.1.8 3.8 1.5l2.6-2.5C16.7 3.5 14.6 2.5 12 2.5 6.8 2.5 2.6 6.7 2.6 12s4.2 9.5 9.4 9.5c5.4 0 9-3.8 9-9.2 0-.6-.1-1.1-.2-1.6H12z"
      />
    </svg>
  );
}
