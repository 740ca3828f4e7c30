import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { buildApp, serviceNames } from '@flowgenie/cdk-constructs';

type Template = {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
};

/**
 * Prints the inbox rules of a synth of the real CDK app (`buildApp`) as JSON: every
 * `AWS::Events::Rule` of each service stack whose target is an SQS queue of that stack, with its
 * event pattern. Run as its own process (`node --import tsx`) so the synth, seconds of CPU and
 * ~500 MB, overlaps the stack's start instead of blocking the test process.
 */
function inboxRules() {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowgenie-e2e-cdk-'));
  try {
    const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
    const fixture = path.resolve(__dirname, '../../../cdk-constructs/test/fixtures/lambda.ts');
    const stacks = buildApp(app, {
      envName: 'dev',
      executorImageTag: 'e2e',
      lambdaEntries: Object.fromEntries(serviceNames.map((n) => [n, fixture])),
    });
    const assembly = app.synth();
    return serviceNames.flatMap((consumer) => {
      const template = assembly.getStackByName(stacks.services[consumer].stackName)
        .template as Template;
      return Object.values(template.Resources)
        .filter((r) => r.Type === 'AWS::Events::Rule')
        .filter((r) =>
          ((r.Properties?.Targets ?? []) as Array<{ Arn?: unknown }>).some((t) => {
            const ref = (t.Arn as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt'];
            return ref !== undefined && template.Resources[ref[0]]?.Type === 'AWS::SQS::Queue';
          }),
        )
        .map((r) => ({ consumer, pattern: r.Properties?.EventPattern }));
    });
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

process.stdout.write(JSON.stringify(inboxRules()));
