/**
 * Records the histories of a calendar push, a course push, a catalog push and their children
 * into test/fixtures/histories, for the replay test that guards workflow determinism. Run it
 * after a deliberate, versioned change to workflow code: `npm run build && node
 * dist/scripts/record-histories.js`. Starts its own Temporal dev server and FerretDB.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createLogger } from '../src/logger.js';
import { connectRuntime, type Runtime } from '../src/runtime.js';
import { ensureTemporalCli, resolveServices } from '../src/services/index.js';
import { createPushWorker } from '../src/worker/worker.js';
import { installTemporalRuntime } from '../src/worker/runtime.js';
import { seedReplayDistrict } from '../test/helpers/replay-district.js';

const repoRoot = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
const outDir = path.join(repoRoot, 'test', 'fixtures', 'histories');
const logger = createLogger('record-histories');
const execFileAsync = promisify(execFile);

let temporalCli = '';
let temporalAddress = '';

/** Writes a workflow's history as the JSON `temporal workflow show` prints, which replay reads. */
async function saveHistory(name: string, workflowId: string, runId?: string) {
  const args = ['workflow', 'show', '--address', temporalAddress, '--workflow-id', workflowId];
  if (runId) args.push('--run-id', runId);
  const { stdout } = await execFileAsync(temporalCli, [...args, '--output', 'json'], {
    maxBuffer: 64 * 1024 * 1024,
  });
  const history = JSON.parse(stdout) as { events?: unknown[] };
  // Replay needs the workflow id too: child workflow ids are derived from it.
  await writeFile(
    path.join(outDir, `${name}.json`),
    `${JSON.stringify({ workflowId, history }, null, 1)}\n`,
  );
  const events = history.events?.length ?? 0;
  console.log(`recorded ${name} (${events} events)`);
}

async function record(runtime: Runtime): Promise<void> {
  const { pushes } = runtime;
  const seeded = await seedReplayDistrict(runtime.database.collections);
  const requestedBy = { sub: 'recorder', role: 'districtAdmin' };

  const calendar = await pushes.startCalendarPush({
    calendarId: seeded.calendarId,
    items: ['categories', 'gradeCalcOptions', 'composites', 'advisory'],
    overwriteCategories: false,
    requestedBy,
    courseIds: [...seeded.courseIds, 'missing-course'],
  });
  await pushes.waitForPush(calendar.pushId, undefined, 200);
  await saveHistory('calendar-push', calendar.workflowId, calendar.runId);
  await saveHistory('course-push-child', `${calendar.workflowId}/course-${seeded.courseIds[0]}`);

  const course = await pushes.startCoursePush({
    courseId: seeded.courseIds[1] ?? '',
    items: ['categories'],
    overwriteCategories: true,
    requestedBy,
  });
  await pushes.waitForPush(course.pushId, undefined, 200);
  await saveHistory('course-sections-push', course.workflowId, course.runId);

  const catalog = await pushes.startCatalogPush({
    catalogId: seeded.catalogId,
    calendarIds: [seeded.calendarId],
    mode: 'lockedOnly',
    pushToSections: true,
    items: ['categories', 'gradeCalcOptions', 'composites', 'advisory'],
    requestedBy,
  });
  await pushes.waitForPush(catalog.pushId, undefined, 200);
  await saveHistory('catalog-push', catalog.workflowId, catalog.runId);
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'gradepush-record-'));
  const services = await resolveServices({ dataDir, freePorts: true, logger });
  temporalCli = await ensureTemporalCli(logger);
  temporalAddress = services.temporalAddress;
  process.env.MONGODB_DB = `gradepush_record_${randomBytes(3).toString('hex')}`;
  const runtime = await connectRuntime(services, logger);
  installTemporalRuntime(logger);
  const worker = await createPushWorker({
    temporalAddress: services.temporalAddress,
    namespace: runtime.namespace,
    taskQueue: runtime.taskQueue,
    collections: runtime.database.collections,
    client: runtime.client,
    logger,
  });
  const running = worker.run();
  try {
    await mkdir(outDir, { recursive: true });
    await record(runtime);
  } finally {
    await worker.shutdown();
    await running.catch(() => undefined);
    await runtime.database.db.dropDatabase();
    await runtime.close();
    await services.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
