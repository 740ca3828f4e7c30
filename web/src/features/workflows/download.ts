/** Saves `value` as a pretty-printed JSON file through the browser's download. */
export function downloadJson(fileName: string, value: unknown): void {
  const blob = new Blob([`${JSON.stringify(value, null, 2)}\n`], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // The download has its own copy once started.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A file name from a workflow name: letters, digits, dashes. */
export function exportFileName(name: string): string {
  const base = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `${base || 'workflow'}.flowgenie.json`;
}

export interface ImportProblem {
  /** Where in the file: `graph.nodes.2.id`, or empty for the file as a whole. */
  path: string;
  message: string;
}

/** A file's text as an import body, or the problems that keep it from being one. */
export function parseImportFile(
  text: string,
): { document: unknown } | { problems: ImportProblem[] } {
  try {
    return { document: JSON.parse(text) as unknown };
  } catch (err) {
    return {
      problems: [{ path: '', message: `this file is not JSON (${(err as Error).message})` }],
    };
  }
}
