import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useSessionStore } from '../../auth';

/** The account menu in the top bar: who is signed in, connections, API keys, sign out. Keyboard operable. */
export function AccountMenu() {
  const user = useSessionStore((s) => s.user);
  const signOut = useSessionStore((s) => s.signOut);
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setOpen(false);
        buttonRef.current?.focus();
      }
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    ref.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const initial = user?.email?.[0]?.toUpperCase() ?? '?';
  const itemClass =
    'block w-full px-3 py-2 text-left text-sm text-slate-700 hover:bg-slate-100 focus:bg-slate-100 focus:outline-none';

  return (
    <div ref={ref} className="relative">
      <button
        ref={buttonRef}
        type="button"
        aria-haspopup="menu"
        aria-expanded={open}
        data-testid="account-menu"
        onClick={() => setOpen(!open)}
        className="flex items-center gap-2 rounded-md px-2 py-1 text-sm text-slate-200 hover:bg-slate-800 focus-visible:outline-2 focus-visible:outline-indigo-400"
      >
        <span
          className="flex h-7 w-7 items-center justify-center rounded-full bg-indigo-500 font-semibold text-white"
          aria-hidden="true"
        >
          {initial}
        </span>
        <span className="max-w-48 truncate">{user?.email}</span>
        <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <div
          role="menu"
          aria-label="Account"
          onKeyDown={(e) => {
            if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
            e.preventDefault();
            const items = [
              ...(ref.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? []),
            ];
            const i = items.indexOf(document.activeElement as HTMLElement);
            items[(i + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length]?.focus();
          }}
          className="absolute right-0 z-40 mt-1 w-56 overflow-hidden rounded-md border border-slate-200 bg-white py-1 shadow-lg"
        >
          <div className="border-b border-slate-100 px-3 py-2 text-xs text-slate-500">
            Signed in as
            <div className="truncate text-sm font-medium text-slate-800">{user?.email}</div>
          </div>
          <Link
            role="menuitem"
            to="/connections"
            className={itemClass}
            onClick={() => setOpen(false)}
            data-testid="menu-connections"
          >
            Connections
          </Link>
          <Link
            role="menuitem"
            to="/account/api-keys"
            className={itemClass}
            onClick={() => setOpen(false)}
            data-testid="menu-api-keys"
          >
            API keys
          </Link>
          <button
            role="menuitem"
            type="button"
            className={itemClass}
            data-testid="menu-sign-out"
            onClick={async () => {
              setOpen(false);
              await signOut().catch(() => undefined);
              navigate('/signin', { replace: true });
            }}
          >
            Sign out
          </button>
        </div>
      )}
    </div>
  );
}
