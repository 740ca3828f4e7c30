import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

// `terraform validate` with the real CLI and AWS provider, offline: the provider comes from a local
// plugin directory (this machine kind ships 5.100.0 under /opt/tf-plugins; TF_PLUGIN_DIR overrides).
// Validating each root configuration (the bootstrap and every environment under envs/) validates
// every module it calls, and terraform.test.ts checks that the root configurations call every
// module. init links the provider from the plugin directory (no copy of its 700 MB per root).
const run = promisify(execFile);
const terraformDir = path.resolve(__dirname, '..', '..', 'terraform');
const pluginDir = process.env.TF_PLUGIN_DIR ?? '/opt/tf-plugins';
const rootConfigs = [
  'bootstrap',
  ...fs
    .readdirSync(path.join(terraformDir, 'envs'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => `envs/${d.name}`)
    .sort(),
];

/** The terraform executable on PATH, if any. */
function terraformOnPath(): string | undefined {
  const names = process.platform === 'win32' ? ['terraform.exe'] : ['terraform'];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    for (const name of names) {
      const candidate = path.join(dir, name);
      try {
        fs.accessSync(candidate, fs.constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}
const installed = terraformOnPath() !== undefined;

let workDir: string;
let env: NodeJS.ProcessEnv;
/** Each root's init + validate, started in beforeAll (two at a time) and awaited by its test. */
const validations = new Map<string, Promise<{ valid: boolean; diagnostics: unknown[] }>>();

async function terraform(args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await run('terraform', args, { cwd, env, maxBuffer: 10 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const e = error as { code?: string; stdout?: string; stderr?: string };
    if (e.code === 'ENOENT') {
      throw new Error('terraform is not on PATH: install Terraform >= 1.9 to validate terraform/');
    }
    throw new Error(
      `terraform ${args.join(' ')} failed in ${cwd}:\n${e.stdout ?? ''}${e.stderr ?? ''}`,
    );
  }
}

beforeAll(() => {
  if (!installed) return;
  if (!fs.existsSync(path.join(pluginDir, 'registry.terraform.io', 'hashicorp', 'aws'))) {
    throw new Error(`no AWS provider under ${pluginDir}: set TF_PLUGIN_DIR to a provider mirror`);
  }
  // A copy, so .terraform/ and lock files never land in the repository.
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fg-terraform-'));
  fs.cpSync(terraformDir, workDir, {
    recursive: true,
    filter: (src) => !src.split(path.sep).includes('.terraform'),
  });
  const cliConfig = path.join(workDir, 'terraformrc');
  fs.writeFileSync(cliConfig, '');
  env = {
    ...process.env,
    TF_CLI_CONFIG_FILE: cliConfig,
    TF_IN_AUTOMATION: '1',
    CHECKPOINT_DISABLE: '1',
  };
  // Most of the time is the provider loading its schema in `validate` (seconds of CPU per root):
  // two roots at a time rather than one after the other.
  const lanes: Array<Promise<unknown>> = [Promise.resolve(), Promise.resolve()];
  rootConfigs.forEach((dir, i) => {
    const run = lanes[i % lanes.length].then(() => initAndValidate(dir));
    // The next root of the lane starts either way; the test of `dir` awaits (and reports) this one.
    lanes[i % lanes.length] = run.catch(() => undefined);
    validations.set(dir, run);
  });
});

async function initAndValidate(dir: string): Promise<{ valid: boolean; diagnostics: unknown[] }> {
  const cwd = path.join(workDir, dir);
  await terraform(
    ['init', '-backend=false', '-input=false', '-no-color', `-plugin-dir=${pluginDir}`],
    cwd,
  );
  const out = await terraform(['validate', '-json', '-no-color'], cwd);
  return JSON.parse(out) as { valid: boolean; diagnostics: unknown[] };
}

afterAll(() => {
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

// Without Terraform the checks cannot run: say so in the test report instead of failing the suite
// (terraform-check in infra.yml runs them in CI). With Terraform present they always run.
if (!installed) {
  describe('terraform/ with the Terraform CLI', () => {
    it('SKIPPED: terraform is not on PATH, so fmt -check and validate did not run', () => {
      console.warn('terraform is not on PATH: install Terraform >= 1.9 to validate terraform/');
      expect(terraformOnPath()).toBeUndefined();
    });
  });
}

if (installed) {
  describe('terraform/ with the Terraform CLI', () => {
    it('is formatted (terraform fmt -check)', async () => {
      await expect(terraform(['fmt', '-check', '-recursive', '-no-color'], workDir)).resolves.toBe(
        '',
      );
    });

    it('validates the bootstrap and the dev, staging and prod environments', () => {
      expect(rootConfigs).toEqual(['bootstrap', 'envs/dev', 'envs/prod', 'envs/staging']);
    });

    it.each(rootConfigs)(
      '%s initialises offline and validates',
      async (dir) => {
        const result = await validations.get(dir)!;
        expect({ dir, valid: result.valid, diagnostics: result.diagnostics }).toEqual({
          dir,
          valid: true,
          diagnostics: [],
        });
      },
      120_000,
    );
  });
}
