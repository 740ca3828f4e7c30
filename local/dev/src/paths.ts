import path from 'node:path';

/** The repository root (local/dev/src -> ../../..). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const CERTS_DIR = path.join(REPO_ROOT, 'certs');
export const DATA_DIR = path.join(REPO_ROOT, '.data');
export const LOG_DIR = path.join(DATA_DIR, 'logs');
