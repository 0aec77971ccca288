import { proxyActivities, log, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { readActivityOptions, writeActivityOptions } from './activity-options.js';
import type { CoursePushInput, CoursePushResult } from './types.js';

const reads = proxyActivities<Activities>(readActivityOptions);
const writes = proxyActivities<Activities>(writeActivityOptions);

/** Sections written per activity call. */
const SECTION_PAGE_SIZE = 25;

/** Pushes one course's grading setup to each of its sections. */
export async function coursePush(input: CoursePushInput): Promise<CoursePushResult> {
  const { pushId, courseId } = input;

  const course = await reads.loadCourseSnapshot.executeWithOptions(
    { ...readActivityOptions, summary: `Load course ${courseId}` },
    [{ courseId }],
  );
  const sectionIds = await reads.listSectionIds.executeWithOptions(
    { ...readActivityOptions, summary: `List sections of ${courseId}` },
    [{ courseId }],
  );

  const result: CoursePushResult = {
    courseId,
    sectionsTotal: sectionIds.length,
    sectionsUpdated: 0,
    sectionsUnchanged: 0,
    sectionsFailed: [],
    residual: [],
  };

  for (let start = 0; start < sectionIds.length; start += SECTION_PAGE_SIZE) {
    const page = sectionIds.slice(start, start + SECTION_PAGE_SIZE);
    const outcomes = await writes.pushSections.executeWithOptions(
      { ...writeActivityOptions, summary: `Push ${page.length} sections of ${courseId}` },
      [
        {
          pushId,
          course,
          sectionIds: page,
          items: input.items,
          overwriteCategories: input.overwriteCategories,
        },
      ],
    );
    for (const outcome of outcomes) {
      if (outcome.outcome === 'updated') result.sectionsUpdated++;
      if (outcome.outcome === 'unchanged') result.sectionsUnchanged++;
      if (outcome.outcome === 'failed' && outcome.error) {
        result.sectionsFailed.push({ sectionId: outcome.sectionId, ...outcome.error });
      }
      if (outcome.residual.length > 0) {
        result.residual.push({
          courseId,
          sectionId: outcome.sectionId,
          categories: outcome.residual,
        });
      }
    }
  }

  log.info('Course pushed', {
    pushId,
    courseId,
    workflowId: workflowInfo().workflowId,
    updated: result.sectionsUpdated,
    unchanged: result.sectionsUnchanged,
    failed: result.sectionsFailed.length,
  });
  return result;
}
