import { Link } from 'react-router';

export function NotFoundPage() {
  return (
    <div className="mx-auto max-w-lg p-10 text-center">
      <h1 className="text-lg font-semibold">Page not found</h1>
      <p className="mt-2 text-slate-600">
        There is nothing at this address.{' '}
        <Link className="text-indigo-600 underline" to="/workflows">
          Go to your workflows
        </Link>
        .
      </p>
    </div>
  );
}
