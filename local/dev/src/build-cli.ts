import { ensureBuilt } from './build';

/** `npm run build [-- --force]`: bundles the process entries into dist/ when a source changed. */
ensureBuilt({ force: process.argv.includes('--force'), log: console.log }).then(
  (result) => {
    if (result === 'fresh') console.log('dist/ is up to date');
  },
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
