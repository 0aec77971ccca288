/**
 * Runs the test suite against real services: starts Temporal's dev server and FerretDB on free
 * ports (unless TEMPORAL_ADDRESS and MONGODB_URI name running ones), runs ava, and stops them.
 * Arguments are passed to ava, so `npm test -- dist/test/push.test.js` runs one file.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../src/logger.js';
import { resolveServices } from '../src/services/index.js';

const repoRoot = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
const logger = createLogger('test-services');

async function main(): Promise<number> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'gradepush-test-'));
  const services = await resolveServices({ dataDir, freePorts: true, logger });
  logger.info(
    { temporal: services.temporalAddress, ui: services.temporalUiUrl, mongo: services.mongoUri },
    'Test services ready',
  );
  try {
    return await new Promise<number>((resolve, reject) => {
      const ava = spawn(
        process.execPath,
        [
          path.join(repoRoot, 'node_modules', 'ava', 'entrypoints', 'cli.mjs'),
          ...process.argv.slice(2),
        ],
        {
          cwd: repoRoot,
          stdio: 'inherit',
          env: {
            ...process.env,
            TEMPORAL_ADDRESS: services.temporalAddress,
            MONGODB_URI: services.mongoUri,
            GRADEPUSH_DATA_DIR: dataDir,
            LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
          },
        },
      );
      ava.once('error', reject);
      ava.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    });
  } finally {
    await services.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
