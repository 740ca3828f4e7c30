import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';

// The GitHub workflows cannot run here; these checks hold them to what the pipelines promise.
const workflowsDir = path.resolve(__dirname, '..', '..', '.github', 'workflows');
const read = (name: string) => fs.readFileSync(path.join(workflowsDir, name), 'utf8');

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  'runs-on': string;
  if?: string;
  needs?: string | string[];
  permissions?: Record<string, string>;
  services?: Record<string, { image: string }>;
  environment?: string;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}
const load = (name: string) => parseYaml(read(name)) as Workflow;
const runs = (job: Job) => job.steps.map((s) => s.run ?? '').join('\n');

describe('.github/workflows', () => {
  it('ci.yml type checks, lints and tests on Node 20, 22 and 24 against Postgres and Redis', () => {
    const ci = load('ci.yml');
    expect(Object.keys(ci.on)).toEqual(expect.arrayContaining(['push', 'pull_request']));
    const [job] = Object.values(ci.jobs);
    expect(job.services?.postgres.image).toMatch(/^postgres:15/);
    expect(job.services?.redis.image).toMatch(/^redis:7/);
    const setupNode = job.steps.find((s) => s.uses?.startsWith('actions/setup-node@'));
    expect(String(setupNode?.with?.['node-version'])).toBe('${{ matrix.node }}');
    const matrix = (job as unknown as { strategy?: { matrix?: { node?: number[] } } }).strategy
      ?.matrix?.node;
    expect(matrix).toEqual([20, 22, 24]);
    const commands = runs(job);
    const order = ['npm ci', 'npm run typecheck', 'npm run lint', 'npm test'].map((c) =>
      commands.indexOf(c),
    );
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('infra.yml checks Terraform and synthesizes CDK, and deploys only from main', () => {
    const infra = load('infra.yml');
    const allRuns = Object.values(infra.jobs).map(runs).join('\n');
    for (const command of [
      'terraform fmt -check',
      'terraform -chdir="$dir" validate',
      'terraform plan',
      'cdk synth',
      'cdk diff',
      'cdk deploy',
    ]) {
      expect(allRuns).toContain(command);
    }
    const pr = infra.on.pull_request as { paths: string[] };
    expect(pr.paths).toEqual(expect.arrayContaining(['terraform/**', 'cdk-constructs/**']));
    expect(infra.jobs.plan.if).toContain("github.ref == 'refs/heads/main'");
    expect(infra.jobs.deploy.needs).toBe('plan');
  });

  it('infra.yml deploys a stage chosen by hand only after approval, applying the saved plan and the reviewed assembly, then the SPA', () => {
    const infra = load('infra.yml');
    const dispatch = infra.on.workflow_dispatch as {
      inputs: { stage: { type: string; options: string[] } };
    };
    expect(dispatch.inputs.stage).toEqual(
      expect.objectContaining({ type: 'choice', options: ['dev', 'staging', 'prod'] }),
    );
    const { plan, deploy, spa } = infra.jobs;
    // The plan is saved: Terraform's plan file, the synthesized assembly and the diff.
    expect(runs(plan)).toContain('terraform plan -lock-timeout=5m -no-color -out=tfplan');
    expect(runs(plan)).toContain('-o cdk.out');
    expect(runs(plan)).toContain('cdk diff --app cdk.out');
    const upload = plan.steps.find((st) => st.uses?.startsWith('actions/upload-artifact@'));
    expect(String(upload?.with?.path)).toMatch(/tfplan[\s\S]*cdk\.out[\s\S]*cdk-diff\.txt/);
    // Deploy waits for the stage environment's reviewers and applies exactly what was saved.
    expect(deploy.environment).toBe("${{ inputs.stage || 'dev' }}");
    expect(deploy.steps.some((st) => st.uses?.startsWith('actions/download-artifact@'))).toBe(true);
    expect(runs(deploy)).toMatch(/terraform apply [^\n]*tfplan$/m);
    expect(runs(deploy)).not.toContain('-auto-approve');
    expect(runs(deploy)).toContain('cdk deploy --app cdk.out');
    expect(runs(deploy)).not.toContain('cdk synth');
    // The SPA is built and uploaded to the stage's Amplify app after the stacks.
    expect(spa.needs).toBe('deploy');
    expect(spa.environment).toBe(deploy.environment);
    expect(runs(spa)).toContain('npm run build --workspace=web');
    expect(runs(spa)).toContain('aws amplify create-deployment');
    expect(runs(spa)).toContain('aws amplify start-deployment');
    // Live streams bypass API Gateway (which buffers): the build gets the stage's stream
    // function URL, the StreamUrl output of the execution stack, before it runs.
    const build = spa.steps.find((st) => st.name === 'Build the web app');
    expect(build?.run).toMatch(
      /VITE_STREAM_URL=\$\(aws cloudformation describe-stacks --stack-name "FlowGenie-\$\{FLOWGENIE_ENV\}-Execution"[\s\S]*OutputKey=='StreamUrl'[\s\S]*export VITE_STREAM_URL[\s\S]*npm run build --workspace=web/,
    );
    const signIn = spa.steps.findIndex((st) =>
      st.uses?.startsWith('aws-actions/configure-aws-credentials@'),
    );
    expect(signIn).toBeGreaterThanOrEqual(0);
    expect(signIn).toBeLessThan(spa.steps.indexOf(build!));
  });

  it('reaches AWS only through OIDC roles, with no keys or account IDs in the files', () => {
    const infra = load('infra.yml');
    expect(infra.permissions).toEqual({ contents: 'read' });
    for (const [name, job] of Object.entries(infra.jobs)) {
      for (const step of job.steps.filter((s) =>
        s.uses?.startsWith('aws-actions/configure-aws-credentials@'),
      )) {
        expect({ name, role: step.with?.['role-to-assume'] }).toEqual({
          name,
          role: expect.stringMatching(/^\$\{\{ vars\.AWS_[A-Z_]+_ROLE_ARN \}\}$/),
        });
        expect({ name, idToken: job.permissions?.['id-token'] }).toEqual({
          name,
          idToken: 'write',
        });
      }
    }
    for (const file of fs.readdirSync(workflowsDir)) {
      const text = read(file);
      expect({
        file,
        keys:
          text.match(/aws-(access-key-id|secret-access-key|session-token)|AKIA[0-9A-Z]{16}/g) ?? [],
      }).toEqual({
        file,
        keys: [],
      });
      expect({ file, secrets: text.match(/secrets\.[A-Za-z_]+/g) ?? [] }).toEqual({
        file,
        secrets: [],
      });
      expect({
        file,
        accounts: text.match(/(?<![0-9A-Za-z])\d{12}(?![0-9A-Za-z])/g) ?? [],
      }).toEqual({ file, accounts: [] });
    }
  });
});
