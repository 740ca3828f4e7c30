import { NavLink, Outlet } from 'react-router';
import { cx } from '../lib/cx';
import { AccountMenu } from '../features/account';

const navClass = ({ isActive }: { isActive: boolean }) =>
  cx(
    'rounded-md px-3 py-1.5 text-sm font-medium focus-visible:outline-2 focus-visible:outline-indigo-400',
    isActive ? 'bg-slate-800 text-white' : 'text-slate-300 hover:bg-slate-800 hover:text-white',
  );

export function Layout() {
  return (
    <div className="flex h-full flex-col">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-1"
      >
        Skip to content
      </a>
      <header className="flex h-12 shrink-0 items-center gap-4 bg-slate-900 px-4 text-white">
        <NavLink
          to="/workflows"
          className="flex items-center gap-2 font-semibold tracking-tight"
          aria-label="FlowGenie home"
        >
          <img src="/favicon.svg" alt="" className="h-6 w-6" />
          FlowGenie
        </NavLink>
        <nav aria-label="Main" className="flex items-center gap-1">
          <NavLink to="/workflows" className={navClass} data-testid="nav-workflows">
            Workflows
          </NavLink>
          <NavLink to="/executions" className={navClass} data-testid="nav-executions">
            Executions
          </NavLink>
        </nav>
        <div className="ml-auto">
          <AccountMenu />
        </div>
      </header>
      <main id="main" className="min-h-0 flex-1 overflow-auto">
        <Outlet />
      </main>
    </div>
  );
}
