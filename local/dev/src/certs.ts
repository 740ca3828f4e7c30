import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CERTS_DIR } from './paths';

export interface DevCerts {
  dir: string;
  caKey: string;
  caCert: string;
  key: string;
  cert: string;
  /** True when this call created (some of) the files. */
  created: boolean;
}

const CA_DAYS = 3650;
// Browsers cap the lifetime they accept for server certificates; 825 days is the long-standing limit.
const LEAF_DAYS = 825;

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { code?: string; stderr?: Buffer };
    if (e.code === 'ENOENT')
      throw new Error('the openssl command is missing: install it (apt-get install openssl)');
    throw new Error(`openssl ${args[0]} failed: ${e.stderr?.toString().trim() ?? String(err)}`);
  }
}

function opensslOk(args: string[]): boolean {
  try {
    execFileSync('openssl', args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Serialises certificate creation between processes (the start command and a test run at once). */
async function withLock<T>(dir: string, fn: () => T): Promise<T> {
  const lock = path.join(dir, '.lock');
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = Date.now() - fs.statSync(lock, { throwIfNoEntry: false })!.mtimeMs;
      if (Number.isFinite(age) && age > 60_000) fs.rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Makes sure `dir` holds a local certificate authority (ca.key, ca.pem) and a server certificate
 * for localhost, 127.0.0.1 and ::1 signed by it (localhost.key, localhost.pem), using the openssl
 * CLI. Existing files are kept; a server certificate that no longer verifies against the CA, or
 * expires within a day, is made again.
 *
 * @example
 * const certs = await ensureDevCerts();
 * // TLS_CERT_FILE=certs.cert TLS_KEY_FILE=certs.key NODE_EXTRA_CA_CERTS=certs.caCert
 */
export async function ensureDevCerts(dir: string = CERTS_DIR): Promise<DevCerts> {
  fs.mkdirSync(dir, { recursive: true });
  const files = {
    caKey: path.join(dir, 'ca.key'),
    caCert: path.join(dir, 'ca.pem'),
    key: path.join(dir, 'localhost.key'),
    cert: path.join(dir, 'localhost.pem'),
  };
  const created = await withLock(dir, () => {
    let made = false;
    if (!fs.existsSync(files.caKey) || !fs.existsSync(files.caCert)) {
      createCa(dir, files);
      made = true;
    }
    const leafOk =
      fs.existsSync(files.key) &&
      fs.existsSync(files.cert) &&
      opensslOk(['verify', '-CAfile', files.caCert, files.cert]) &&
      opensslOk(['x509', '-in', files.cert, '-noout', '-checkend', '86400']);
    if (made || !leafOk) {
      createLeaf(dir, files);
      made = true;
    }
    return made;
  });
  return { dir, ...files, created };
}

function createCa(dir: string, files: { caKey: string; caCert: string }): void {
  const tmpKey = `${files.caKey}.tmp`;
  const tmpCert = `${files.caCert}.tmp`;
  openssl(
    ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', tmpKey],
    dir,
  );
  fs.chmodSync(tmpKey, 0o600);
  openssl(
    [
      'req',
      '-x509',
      '-new',
      '-key',
      tmpKey,
      '-sha256',
      '-days',
      String(CA_DAYS),
      '-subj',
      `/O=FlowGenie local development/CN=FlowGenie Local Dev CA (${os.hostname()})`,
      '-addext',
      'basicConstraints=critical,CA:TRUE,pathlen:0',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
      '-addext',
      'subjectKeyIdentifier=hash',
      '-out',
      tmpCert,
    ],
    dir,
  );
  fs.renameSync(tmpKey, files.caKey);
  fs.renameSync(tmpCert, files.caCert);
}

function createLeaf(
  dir: string,
  files: { caKey: string; caCert: string; key: string; cert: string },
): void {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'fg-certs-'));
  try {
    const key = path.join(work, 'localhost.key');
    const csr = path.join(work, 'localhost.csr');
    const cert = path.join(work, 'localhost.pem');
    const ext = path.join(work, 'ext.cnf');
    fs.writeFileSync(
      ext,
      [
        'basicConstraints=critical,CA:FALSE',
        'keyUsage=critical,digitalSignature',
        'extendedKeyUsage=serverAuth',
        'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1',
        'subjectKeyIdentifier=hash',
        'authorityKeyIdentifier=keyid,issuer',
        '',
      ].join('\n'),
    );
    openssl(
      ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key],
      work,
    );
    openssl(
      [
        'req',
        '-new',
        '-key',
        key,
        '-subj',
        '/O=FlowGenie local development/CN=localhost',
        '-out',
        csr,
      ],
      work,
    );
    openssl(
      [
        'x509',
        '-req',
        '-in',
        csr,
        '-CA',
        files.caCert,
        '-CAkey',
        files.caKey,
        '-set_serial',
        `0x${Date.now().toString(16)}`,
        '-days',
        String(LEAF_DAYS),
        '-sha256',
        '-extfile',
        ext,
        '-out',
        cert,
      ],
      work,
    );
    fs.chmodSync(key, 0o600);
    fs.copyFileSync(key, `${files.key}.tmp`);
    fs.copyFileSync(cert, `${files.cert}.tmp`);
    fs.renameSync(`${files.key}.tmp`, files.key);
    fs.renameSync(`${files.cert}.tmp`, files.cert);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  ensureDevCerts().then(
    (c) => console.log(`${c.created ? 'created' : 'kept'} dev certificates in ${c.dir}`),
    (err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
