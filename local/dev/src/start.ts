import fs from 'node:fs';
import path from 'node:path';
import { checkoutSettings, databaseNameOf, explainStartFailure, resetCheckout } from './checkout';
import { ensureInfrastructure, MissingServiceError } from './infra';
import { LOG_DIR, REPO_ROOT } from './paths';
import {
  DEFAULT_PORTS,
  stackModeOf,
  StackStartError,
  startStack,
  type RunningStack,
} from './stack';
import { ensureWebBuilt } from './web';
import { FAKE_DEFAULTS } from '@flowgenie/local-fakes';

/**
 * `npm start`: Postgres and Redis (started when installed here), database, dev certificates,
 * the web build, then every service, the executor and the gateway. Ctrl-C stops them gracefully.
 * Reads DATABASE_URL, REDIS_URL, REDIS_PREFIX, DATA_DIR, GATEWAY_PORT, LOG_FORMAT=pretty (or --pretty);
 * FLOWGENIE_PROCESSES=split runs one process per service (default `one`: all in one process);
 * FLOWGENIE_RUNTIME=tsx runs the TypeScript sources through tsx instead of the bundles in dist/;
 * FAKE_PROVIDERS=1 also runs the local fake Google and Slack (FAKE_GOOGLE_PORT, FAKE_SLACK_PORT) and
 * points the services at them;
 * --skip-web starts without (re)building the web app; --reset first drops this checkout's database,
 * Redis keys and auth key file. Each checkout has its own database (see checkoutSettings).
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const pretty = args.includes('--pretty') || process.env.LOG_FORMAT === 'pretty';
  const settings = checkoutSettings(process.env);
  const { databaseUrl, redisUrl } = settings;
  const gatewayPort = Number(process.env.GATEWAY_PORT ?? DEFAULT_PORTS.gateway);
  const processes = stackModeOf(process.env.FLOWGENIE_PROCESSES, 'one');
  const fakeProviders = ['1', 'true'].includes(process.env.FAKE_PROVIDERS ?? '')
    ? {
        googlePort: Number(process.env.FAKE_GOOGLE_PORT ?? FAKE_DEFAULTS.googlePort),
        slackPort: Number(process.env.FAKE_SLACK_PORT ?? FAKE_DEFAULTS.slackPort),
      }
    : undefined;
  const log = (m: string) => console.log(m);
  const rel = (p: string) => path.relative(REPO_ROOT, p) || '.';

  log('FlowGenie local stack');
  const infra = await ensureInfrastructure({ databaseUrl, redisUrl, log: (m) => log(`  ${m}`) });
  log(
    `  ✓ Postgres ${infra.postgres} (${new URL(databaseUrl).host}, database ${databaseNameOf(databaseUrl)}), Redis ${infra.redis} (${new URL(redisUrl).host}, prefix ${settings.redisPrefix})`,
  );
  if (args.includes('--reset')) {
    log('  resetting this checkout (--reset):');
    await resetCheckout(settings, (m) => log(`    ${m}`));
  }

  const web = args.includes('--skip-web')
    ? 'up-to-date'
    : await ensureWebBuilt({
        logFile: path.join(LOG_DIR, 'web-build.log'),
        log: (m) => log(`  ${m}`),
      });
  if (web === 'built') log('  ✓ web app built (web/dist)');
  if (web === 'failed')
    log(
      `  ! web build failed (see ${rel(path.join(LOG_DIR, 'web-build.log'))}); the API still starts`,
    );

  let stack: RunningStack | undefined;
  let shuttingDown = false;
  const shutdown = async (code: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    log('\nstopping (in-flight requests and steps finish first)…');
    await stack?.stop();
    log('stopped');
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  try {
    stack = await startStack({
      databaseUrl,
      redisUrl,
      redisPrefix: settings.redisPrefix,
      dataDir: settings.dataDir,
      ports: { gateway: gatewayPort },
      processes,
      runtime: process.env.FLOWGENIE_RUNTIME === 'tsx' ? 'tsx' : 'built',
      pretty,
      fakeProviders,
      onProgress: (m) => log(`  ${m}`),
    });
  } catch (err) {
    if (err instanceof StackStartError) {
      console.error(`\n✗ ${err.message}`);
      if (err.exit?.lastLines.length)
        console.error(
          `last lines of ${err.exit.name}:\n${err.exit.lastLines.map((l) => `  ${l}`).join('\n')}`,
        );
      const advice = explainStartFailure(err.exit?.lastLines ?? [], settings);
      if (advice) console.error(`\n${advice}`);
      process.exit(1);
    }
    throw err;
  }

  const migrated = Object.entries(stack.migrations)
    .map(([service, n]) => `${service} ${n ?? '?'}`)
    .join(', ');
  const webState = fs.existsSync(path.join(REPO_ROOT, 'web', 'dist', 'index.html'))
    ? ''
    : ' (web app not built: / says how)';
  log(`  ✓ migrations applied: ${migrated}`);
  log('');
  log(`FlowGenie is running at ${stack.urls.gateway}${webState}`);
  log(
    `  processes     ${processes === 'one' ? 'one (every service in one process; FLOWGENIE_PROCESSES=split for one each)' : 'split (one per service)'}`,
  );
  log(`  API docs      ${stack.urls.gateway}/api/docs`);
  log(`  readiness     ${stack.urls.gateway}/readyz`);
  log(
    `  trust the CA  ${rel(stack.certs.caCert)} (see certs/README.md), or curl --cacert ${rel(stack.certs.caCert)}`,
  );
  log(
    `  logs          ${rel(stack.logDir)}/<name>.log (JSON)${pretty ? '' : '; run with --pretty or LOG_FORMAT=pretty to see them here'}`,
  );
  if (stack.fakes) {
    const { google, slack, googleAccounts, slackChannels } = stack.fakes;
    const ca = rel(stack.certs.caCert);
    log('');
    log(
      '!! FAKE PROVIDERS (FAKE_PROVIDERS=1): Google and Slack are local fakes, not the real services.',
    );
    log('   Nothing reaches Google or Slack; the UI labels them "(fake)".');
    log(
      `  fake Google   ${google.url}  accounts ${googleAccounts.join(', ')} (a few emails in alice's inbox)`,
    );
    log(
      `  fake Slack    ${slack.url}  workspace "${slack.team.name}", channels ${slackChannels.map((c) => `#${c}`).join(', ')}`,
    );
    log('  send alice an email:');
    log(
      `    curl --cacert ${ca} -X POST ${google.url}/__fake/gmail/deliver -H 'content-type: application/json' \\`,
    );
    log(
      `      -d '{"email":"alice@example.com","from":"bob@example.com","to":"alice@example.com","subject":"Hello","text":"Hi Alice"}'`,
    );
    log(`  see #general:  curl --cacert ${ca} '${slack.url}/__fake/messages?channel=general'`);
    log('  (local/fakes/README.md lists every control route)');
  }
  log('Press Ctrl-C to stop.');

  const exit = await stack.unexpectedExit;
  if (shuttingDown) return;
  console.error(
    `\n✗ ${exit.name} exited unexpectedly (${exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`}); stopping the stack.`,
  );
  console.error(
    `last lines of ${exit.name} (${rel(path.join(stack.logDir, `${exit.name}.log`))}):`,
  );
  console.error(exit.lastLines.map((l) => `  ${l}`).join('\n'));
  await shutdown(1);
}

main().catch((err) => {
  if (err instanceof MissingServiceError) {
    console.error(`\n✗ cannot start: a service FlowGenie needs is missing.\n${err.message}`);
  } else {
    console.error(err);
  }
  process.exit(1);
});
