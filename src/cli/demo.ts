import type { Logger } from '../logger.js';
import { importOneRoster, formatImportReport } from '../import/index.js';
import { PUSH_ITEMS } from '../domain/setup.js';
import { readSetupFile } from '../setup-file.js';
import type { PushView } from '../pushes/service.js';
import { applySetupToCourses } from './setup.js';
import { demoBundle, sampleSetupFile, startStack } from './stack.js';

/**
 * Imports a bundle, applies the sample setup to its courses, pushes each of its calendars with
 * all items and waits. Returns the process exit code: 1 when any course failed.
 */
export async function runDemo(options: { bundle?: string; logger: Logger }): Promise<number> {
  const { logger } = options;
  const bundle = options.bundle ?? demoBundle;
  const stack = await startStack(logger);
  try {
    const { collections } = stack.runtime.database;
    const report = await importOneRoster(collections, bundle, { logger });
    console.log(formatImportReport(report));

    const calendarIds = report.calendarIds;
    if (calendarIds.length === 0) {
      console.log(`The bundle in ${bundle} has no calendar with courses to push.`);
      return 1;
    }
    const setup = await readSetupFile(sampleSetupFile);
    const courseIds = (
      await collections.courses
        .find({ calendarId: { $in: calendarIds } }, { projection: { _id: 1 } })
        .toArray()
    ).map((course) => course._id);
    const applied = await applySetupToCourses(collections, courseIds, setup);
    const changed = applied.filter((entry) => entry.changedItems.length > 0).length;
    console.log(`Sample setup applied to ${applied.length} courses (${changed} changed).`);

    const requestedBy = { sub: 'demo', role: 'districtAdmin' };
    const views: PushView[] = [];
    for (const calendarId of calendarIds) {
      const started = await stack.runtime.pushes.startCalendarPush({
        calendarId,
        items: [...PUSH_ITEMS],
        overwriteCategories: false,
        requestedBy,
      });
      console.log(`Started push ${started.pushId} (workflow ${started.workflowId}).`);
      views.push(await stack.runtime.pushes.waitForPush(started.pushId));
    }

    let failedCourses = 0;
    for (const view of views) {
      for (const failure of view.failures) {
        console.log(`  course ${failure.courseId} failed: ${failure.type}: ${failure.message}`);
      }
      failedCourses += view.progress?.coursesFailed ?? 0;
    }
    for (const view of views) console.log(summaryLine(view));
    return failedCourses > 0 || views.some((view) => view.state === 'failed') ? 1 : 0;
  } finally {
    await stack.stop();
  }
}

export function summaryLine(view: PushView): string {
  const p = view.progress;
  const counts = p
    ? `${p.sectionsUpdated} sections updated, ${p.sectionsUnchanged} unchanged, ${p.sectionsFailed} failed; ` +
      `${p.coursesDone - p.coursesFailed}/${p.coursesTotal} courses pushed, ${p.coursesFailed} failed`
    : 'no counts';
  return `push ${view.pushId} (calendar ${view.calendarId ?? '?'}) ${view.state}: ${counts}`;
}
