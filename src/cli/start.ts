import { apiAddress } from '../config.js';
import { dataDir } from '../config.js';
import type { Logger } from '../logger.js';
import { loadJwtSecret } from '../auth/secret.js';
import { signToken } from '../auth/token.js';
import { startApiServer } from '../api/server.js';
import { importOneRoster, formatImportReport } from '../import/index.js';
import { readSetupFile } from '../setup-file.js';
import { applySetupToCourses } from './setup.js';
import { demoBundle, sampleSetupFile, startStack } from './stack.js';

/**
 * Runs the whole local stack in the foreground: services, worker and API. Imports the demo
 * district into an empty database, prints where to look, and stops everything on Ctrl-C.
 */
export async function runStart(logger: Logger): Promise<void> {
  const stack = await startStack(logger, { metricsAddress: process.env.GRADEPUSH_METRICS_ADDRESS });
  const { collections } = stack.runtime.database;

  if ((await collections.courses.estimatedDocumentCount()) === 0) {
    const report = await importOneRoster(collections, demoBundle, { logger });
    console.log(formatImportReport(report));
    const courseIds = (
      await collections.courses.find({}, { projection: { _id: 1 } }).toArray()
    ).map((course) => course._id);
    await applySetupToCourses(collections, courseIds, await readSetupFile(sampleSetupFile));
    console.log(
      `Imported the demo district and applied ${sampleSetupFile} to ${courseIds.length} courses.`,
    );
  }

  const jwtSecret = await loadJwtSecret(dataDir());
  const api = await startApiServer({
    runtime: stack.runtime,
    jwtSecret,
    logger: logger.child({ component: 'api' }),
    ...apiAddress(),
  });
  const token = await signToken(
    { sub: 'local-admin', role: 'districtAdmin', name: 'Local admin' },
    jwtSecret,
  );
  const calendar = await collections.calendars.findOne({}, { sort: { _id: 1 } });

  console.log('');
  console.log(`API:             ${api.url}`);
  console.log(`Temporal Web UI: ${stack.services.temporalUiUrl || '(external Temporal server)'}`);
  console.log(`Temporal:        ${stack.services.temporalAddress}`);
  console.log(`MongoDB:         ${stack.services.mongoUri}`);
  if (calendar) {
    console.log('');
    console.log(`Push every course of calendar ${calendar._id} (token valid 12 hours):`);
    console.log(
      `curl -sS -X POST -H 'Authorization: Bearer ${token}' -H 'Content-Type: application/json' ` +
        `-d '{"confirm": true}' ${api.url}/calendars/${encodeURIComponent(calendar._id)}/pushes`,
    );
  }
  console.log('');
  console.log('Press Ctrl-C to stop.');

  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      logger.info({ signal }, 'Stopping');
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    stack.workerRun.catch((error: unknown) => {
      logger.error({ err: error }, 'Worker failed');
      resolve();
    });
  });
  await api.close();
  await stack.stop();
}
