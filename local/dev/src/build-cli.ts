import { ensureBuilt } from './build';

/** `tsx local/dev/src/build-cli.ts [--force]`: bundles the process entries into dist/ when stale. */
ensureBuilt({ force: process.argv.includes('--force'), log: console.log }).catch((err) => {
  console.error(err);
  process.exit(1);
});
