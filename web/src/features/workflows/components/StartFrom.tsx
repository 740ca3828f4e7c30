import { useEffect, useRef, useState } from 'react';
import { Button } from '../../../components/Button';
import { Dialog } from '../../../components/Dialog';
import { InlineError } from '../../../components/InlineError';
import { Spinner } from '../../../components/Spinner';
import { ApiError, describeError } from '../../../lib/api-client';
import { createFromTemplate, importWorkflow, listTemplates, type WorkflowTemplate } from '../api';
import { parseImportFile, type ImportProblem } from '../download';

/** Largest file the import reads (the catalog stores at most 768 KiB of graph). */
const MAX_IMPORT_BYTES = 1024 * 1024;

/**
 * "Import": reads a `.json` file exported from FlowGenie and creates a new draft from it. The
 * catalog checks the document against its schema; each problem is listed with where it is.
 */
export function ImportButton({ onImported }: { onImported: (id: string) => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<ImportProblem[] | null>(null);
  const [fileName, setFileName] = useState('');

  const read = async (file: File) => {
    setFileName(file.name);
    setProblems(null);
    if (file.size > MAX_IMPORT_BYTES) {
      setProblems([{ path: '', message: 'the file is larger than 1 MiB: not a workflow export' }]);
      return;
    }
    const parsed = parseImportFile(await file.text());
    if ('problems' in parsed) {
      setProblems(parsed.problems);
      return;
    }
    setBusy(true);
    try {
      const wf = await importWorkflow(parsed.document);
      onImported(wf.id);
    } catch (err) {
      if (err instanceof ApiError && err.status === 400 && err.details.length > 0)
        setProblems(err.details.map((d) => ({ path: d.path ?? '', message: d.message })));
      else setProblems([{ path: '', message: describeError(err) }]);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <input
        ref={input}
        type="file"
        accept="application/json,.json"
        className="sr-only"
        tabIndex={-1}
        aria-hidden="true"
        data-testid="import-file"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) void read(file);
        }}
      />
      <Button
        onClick={() => input.current?.click()}
        loading={busy}
        title="Create a workflow from a file exported from FlowGenie"
        data-testid="workflow-import"
      >
        Import
      </Button>
      <Dialog
        open={problems !== null}
        title="Could not import this file"
        onClose={() => setProblems(null)}
        testId="import-errors"
        footer={<Button onClick={() => setProblems(null)}>Close</Button>}
      >
        <p>
          <strong>{fileName}</strong> was not imported; nothing was created.
        </p>
        <ul className="mt-2 list-disc space-y-1 pl-5">
          {problems?.map((p, i) => (
            <li key={i} data-testid="import-error">
              {p.path ? <code className="text-xs">{p.path}</code> : null}
              {p.path ? ': ' : ''}
              {p.message}
            </li>
          ))}
        </ul>
      </Dialog>
    </>
  );
}

/** "New from template": the built-in templates; picking one creates a draft and opens it. */
export function TemplatesDialog({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (id: string) => void;
}) {
  const [templates, setTemplates] = useState<WorkflowTemplate[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  useEffect(() => {
    if (!open || templates) return;
    listTemplates()
      .then((r) => setTemplates(r.items))
      .catch((err: unknown) => setError(describeError(err)));
  }, [open, templates]);

  const use = async (t: WorkflowTemplate) => {
    setBusy(t.id);
    setError(null);
    try {
      onCreated((await createFromTemplate(t.id)).id);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(null);
    }
  };

  return (
    <Dialog
      open={open}
      title="New from a template"
      onClose={onClose}
      testId="templates-dialog"
      wide
    >
      <InlineError message={error} className="mb-2" />
      {!templates && !error && <Spinner label="Loading templates…" />}
      <ul className="grid gap-2 sm:grid-cols-2">
        {templates?.map((t) => (
          <li key={t.id}>
            <button
              type="button"
              className="h-full w-full rounded-md border border-slate-200 p-3 text-left hover:border-indigo-400 hover:bg-indigo-50/40 focus-visible:outline-2 focus-visible:outline-indigo-500 disabled:opacity-60"
              disabled={busy !== null}
              onClick={() => void use(t)}
              data-testid={`template-${t.id}`}
            >
              <span className="block font-medium text-slate-900">{t.name}</span>
              <span className="mt-1 block text-xs text-slate-500">{t.description}</span>
              <span className="mt-1 block text-[11px] text-slate-400">
                {t.graph.nodes.length} steps{busy === t.id ? ' · creating…' : ''}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </Dialog>
  );
}
