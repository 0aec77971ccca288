/**
 * Benchmarks a calendar push on the local services. Seeds a calendar with COURSES courses of
 * SECTIONS sections each (environment variables, defaults 200 and 5) into a fresh database.
 * Pushes it twice, where the second push finds nothing to change, and prints durations and rates.
 * Starts Temporal's dev server and FerretDB on free ports unless TEMPORAL_ADDRESS and
 * MONGODB_URI name running ones.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../src/logger.js';
import { connectRuntime } from '../src/runtime.js';
import { resolveServices } from '../src/services/index.js';
import { createPushWorker } from '../src/worker/worker.js';
import { installTemporalRuntime } from '../src/worker/runtime.js';
import { EMPTY_SECTION_SETUP, ZERO_VERSIONS, PUSH_ITEMS } from '../src/domain/setup.js';
import type { CourseDoc, SectionDoc } from '../src/db/types.js';

const courses = Number(process.env.COURSES ?? 200);
const sectionsPerCourse = Number(process.env.SECTIONS ?? 5);
const logger = createLogger('bench');
logger.level = process.env.LOG_LEVEL ?? 'warn';

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'gradepush-bench-'));
  const services = await resolveServices({ dataDir, freePorts: true, logger });
  process.env.MONGODB_DB = `gradepush_bench_${randomBytes(3).toString('hex')}`;
  process.env.GRADEPUSH_TASK_QUEUE = `bench-${randomBytes(3).toString('hex')}`;
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
    await seed(runtime.database.collections);
    for (const label of ['first push (all sections change)', 'second push (nothing changes)']) {
      const started = performance.now();
      const push = await runtime.pushes.startCalendarPush({
        calendarId: 'bench-calendar',
        items: [...PUSH_ITEMS],
        overwriteCategories: false,
        requestedBy: { sub: 'bench', role: 'districtAdmin' },
      });
      const view = await runtime.pushes.waitForPush(push.pushId, undefined, 200);
      const seconds = (performance.now() - started) / 1000;
      const sections = courses * sectionsPerCourse;
      console.log(
        `${label}: ${courses} courses, ${sections} sections in ${seconds.toFixed(1)} s ` +
          `(${(sections / seconds).toFixed(0)} sections/s); ${view.progress?.sectionsUpdated} updated, ` +
          `${view.progress?.sectionsUnchanged} unchanged, state ${view.state}`,
      );
    }
  } finally {
    await worker.shutdown();
    await running.catch(() => undefined);
    await runtime.database.db.dropDatabase();
    await runtime.close();
    await services.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function seed(
  collections: Awaited<ReturnType<typeof connectRuntime>>['database']['collections'],
) {
  const importedAt = new Date();
  await collections.schools.insertOne({
    _id: 'bench-school',
    name: 'Bench',
    identifier: null,
    districtId: null,
    importedAt,
  });
  await collections.calendars.insertOne({
    _id: 'bench-calendar',
    schoolId: 'bench-school',
    schoolYear: '2026',
    title: '2026-27',
    terms: [
      {
        id: 'bench-term',
        title: 'Year',
        type: 'term',
        startDate: null,
        endDate: null,
        parentId: null,
      },
    ],
    importedAt,
  });
  const courseDocs: CourseDoc[] = [];
  const sectionDocs: SectionDoc[] = [];
  for (let c = 0; c < courses; c++) {
    const courseId = `bench-course-${String(c).padStart(5, '0')}`;
    courseDocs.push({
      _id: courseId,
      calendarId: 'bench-calendar',
      schoolId: 'bench-school',
      title: courseId,
      courseCode: null,
      courseMasterId: null,
      link: 'courseControlled',
      setup: {
        categories: [
          { id: 'tests', name: 'Tests', weight: 2, sequence: 1 },
          { id: 'homework', name: 'Homework', weight: 1, sequence: 2 },
        ],
        gradeCalcOptions: [],
        composites: [],
        advisory: true,
      },
      versions: { ...ZERO_VERSIONS, categories: 1, advisory: 1 },
      changedAt: {
        categories: importedAt,
        gradeCalcOptions: null,
        composites: null,
        advisory: importedAt,
      },
      importedAt,
    });
    for (let s = 0; s < sectionsPerCourse; s++) {
      sectionDocs.push({
        _id: `${courseId}-s${s}`,
        courseId,
        calendarId: 'bench-calendar',
        schoolId: 'bench-school',
        title: `${courseId} section ${s}`,
        classCode: null,
        teacherIds: [],
        termIds: ['bench-term'],
        setup: EMPTY_SECTION_SETUP,
        received: {},
        lastPush: null,
        version: 1,
        importedAt,
      });
    }
  }
  await collections.courses.insertMany(courseDocs);
  await collections.sections.insertMany(sectionDocs);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
