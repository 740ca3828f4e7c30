import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { foundationParameterKeys } from '../src/foundation';

// @cdktf/hcl2json (the HCL parser compiled to WASM) parses every .tf file offline and reports
// syntax errors with file, line and column; terraform-validate.test.ts runs Terraform itself.
type Hcl2Json = { parse(filename: string, contents: string): Promise<HclFile> };
// Loaded through require: its typings reference the DOM lib, which would leak into the whole
// repository's type check.
const { parse } = createRequire(__filename)('@cdktf/hcl2json') as Hcl2Json;

type Block = Record<string, unknown>;
interface HclFile {
  terraform?: Block[];
  variable?: Record<string, Block[]>;
  output?: Record<string, Block[]>;
  module?: Record<string, Block[]>;
  locals?: Block[];
  resource?: Record<string, Record<string, Block[]>>;
}

const terraformDir = path.resolve(__dirname, '..', '..', 'terraform');
const standardFiles = ['main.tf', 'variables.tf', 'outputs.tf', 'versions.tf', 'README.md'];
const subdirs = (dir: string) =>
  fs
    .readdirSync(path.join(terraformDir, dir), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => `${dir}/${d.name}`);
const modules = subdirs('modules');
const rootConfigs = [...subdirs('envs'), 'bootstrap'];

function tfFilesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === '.terraform' ? [] : tfFilesUnder(full);
    return e.name.endsWith('.tf') ? [full] : [];
  });
}

const parsed = new Map<string, HclFile>();
const parsedIn = (dir: string) =>
  [...parsed.entries()]
    .filter(([file]) => path.dirname(file) === path.join(terraformDir, dir))
    .map(([, p]) => p);

beforeAll(async () => {
  for (const file of tfFilesUnder(terraformDir)) {
    const relative = path.relative(terraformDir, file);
    try {
      parsed.set(file, await parse(relative, fs.readFileSync(file, 'utf8')));
    } catch (error) {
      throw new Error(`terraform/${relative} does not parse: ${String(error)}`);
    }
  }
});

describe('terraform/', () => {
  it('has the foundation modules, the dev, staging and prod environments and the state bootstrap', () => {
    expect(modules.sort()).toEqual(
      ['amplify', 'cache', 'database', 'ecr', 'foundation', 'network', 'payloads', 'state']
        .map((m) => `modules/${m}`)
        .sort(),
    );
    expect(rootConfigs.sort()).toEqual(['bootstrap', 'envs/dev', 'envs/prod', 'envs/staging']);
    expect(parsed.size).toBeGreaterThanOrEqual((modules.length + rootConfigs.length) * 4);
  });

  it('gives every module and root configuration the standard files', () => {
    for (const dir of [...modules, ...rootConfigs]) {
      const missing = standardFiles.filter((f) => !fs.existsSync(path.join(terraformDir, dir, f)));
      expect({ dir, missing }).toEqual({ dir, missing: [] });
    }
  });

  it('types and describes every variable and describes every output', () => {
    const problems: string[] = [];
    for (const [file, hcl] of parsed) {
      const where = path.relative(terraformDir, file);
      for (const [name, [v]] of Object.entries(hcl.variable ?? {})) {
        if (typeof v.type !== 'string' || v.type === '')
          problems.push(`${where}: variable ${name} has no type`);
        if (typeof v.description !== 'string' || v.description.trim() === '') {
          problems.push(`${where}: variable ${name} has no description`);
        }
      }
      for (const [name, [o]] of Object.entries(hcl.output ?? {})) {
        if (typeof o.description !== 'string' || o.description.trim() === '') {
          problems.push(`${where}: output ${name} has no description`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('declares variables only in variables.tf and outputs only in outputs.tf', () => {
    const misplaced: string[] = [];
    for (const [file, hcl] of parsed) {
      const base = path.basename(file);
      if (hcl.variable && base !== 'variables.tf')
        misplaced.push(`${path.relative(terraformDir, file)}: variable`);
      if (hcl.output && base !== 'outputs.tf')
        misplaced.push(`${path.relative(terraformDir, file)}: output`);
    }
    expect(misplaced).toEqual([]);
  });

  it('pins Terraform and the AWS provider in every versions.tf', () => {
    for (const dir of [...modules, ...rootConfigs]) {
      const [versions] = parsedIn(dir).filter((p) => p.terraform);
      const block = versions?.terraform?.[0] as
        | {
            required_version?: string;
            required_providers?: Array<Record<string, { source: string; version: string }>>;
          }
        | undefined;
      expect({ dir, required_version: block?.required_version }).toEqual({
        dir,
        required_version: expect.stringMatching(/^>= 1\.\d+/),
      });
      const aws = block?.required_providers?.[0]?.aws;
      // A range, not one major: it must include the provider these machines hold offline (5.100).
      expect({ dir, aws }).toEqual({
        dir,
        aws: { source: 'hashicorp/aws', version: '>= 5.100, < 7.0' },
      });
    }
  });

  it('calls every module from a root configuration, directly or through another module', () => {
    const calledFrom = (dir: string) =>
      parsedIn(dir).flatMap((p) =>
        Object.values(p.module ?? {}).map(([m]) =>
          path.join(dir, String(m.source)).replace(/\\/g, '/'),
        ),
      );
    const reached = new Set<string>();
    const pending = rootConfigs.flatMap(calledFrom);
    while (pending.length > 0) {
      const dir = pending.pop()!;
      if (reached.has(dir)) continue;
      reached.add(dir);
      pending.push(...calledFrom(dir));
    }
    expect([...reached].sort()).toEqual([...modules].sort());
  });

  it('writes to SSM exactly the foundation parameters the CDK app reads', () => {
    const locals = parsedIn('modules/foundation').flatMap((p) => p.locals ?? []);
    const ssm = locals.find((l) => l.ssm_parameters)?.ssm_parameters as
      Record<string, string> | undefined;
    expect(Object.keys(ssm ?? {}).sort()).toEqual([...foundationParameterKeys].sort());

    const [param] = parsedIn('modules/foundation').flatMap(
      (p) => p.resource?.aws_ssm_parameter?.foundation ?? [],
    );
    expect(param).toMatchObject({
      for_each: '${local.ssm_parameters}',
      name: '/flowgenie/${var.environment}/${each.key}',
    });
  });

  describe.each(['dev', 'staging', 'prod'])('envs/%s', (env) => {
    const dir = `envs/${env}`;
    const foundationCall = () => {
      const calls = parsedIn(dir).flatMap((p) => Object.entries(p.module ?? {}));
      expect(calls.map(([name]) => name)).toEqual(['foundation']);
      return calls[0][1][0];
    };

    it('is a thin root: one call of modules/foundation for its own environment, no resources', () => {
      expect(foundationCall()).toMatchObject({
        source: '../../modules/foundation',
        environment: env,
      });
      expect(parsedIn(dir).flatMap((p) => Object.keys(p.resource ?? {}))).toEqual([]);
    });

    it('keeps its state under its own key and tags its resources with its name', () => {
      const backend = parsedIn(dir).flatMap(
        (p) => (p.terraform?.[0]?.backend as Array<Record<string, Block[]>> | undefined) ?? [],
      )[0]?.s3?.[0];
      expect(backend).toMatchObject({ key: `flowgenie/${env}/terraform.tfstate`, encrypt: true });
      const main = fs.readFileSync(path.join(terraformDir, dir, 'main.tf'), 'utf8');
      expect(main).toContain(`environment = "${env}"`);
    });
  });

  it('gives each environment its own VPC range and protects only prod from destroy', () => {
    const settings = Object.fromEntries(
      ['dev', 'staging', 'prod'].map((env) => {
        const [call] = parsedIn(`envs/${env}`).flatMap((p) => p.module?.foundation ?? []);
        return [env, call];
      }),
    );
    const cidrs = Object.values(settings).map((s) => s.vpc_cidr);
    expect(new Set(cidrs).size).toBe(3);
    expect(settings.prod).toMatchObject({
      deletion_protection: true,
      db_multi_az: true,
      single_nat_gateway: false,
      cache_replicas: 1,
    });
    expect(settings.prod.db_backup_retention_days).toBeGreaterThanOrEqual(30);
    for (const env of ['dev', 'staging']) {
      expect({ env, deletion_protection: settings[env].deletion_protection }).toEqual({
        env,
        deletion_protection: false,
      });
    }
  });

  it('proxies the API paths from the SPA origin before the SPA fallback, so /api/* never gets index.html', () => {
    const main = fs.readFileSync(path.join(terraformDir, 'modules', 'amplify', 'main.tf'), 'utf8');
    const proxy = main.indexOf('dynamic "custom_rule"');
    const fallback = main.indexOf('target = "/index.html"');
    expect(proxy).toBeGreaterThan(-1);
    expect(fallback).toBeGreaterThan(proxy);
    expect(main).toMatch(/api_paths\s*=\s*\["api", "hooks", ".well-known"\]/);
  });
});
