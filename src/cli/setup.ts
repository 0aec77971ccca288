import type { Collections } from '../db/mongo.js';
import { updateCourseSetup } from '../db/course-repository.js';
import { checkSetupAgainstTerms, type GradingSetupUpdate, type PushItem } from '../domain/setup.js';
import { expandTermTemplates } from '../setup-file.js';

export interface AppliedSetup {
  courseId: string;
  changedItems: PushItem[];
}

/**
 * Applies a setup (term templates expanded per calendar) to each listed course. Every course and
 * its terms are checked first, so a bad id or term changes no course at all.
 */
export async function applySetupToCourses(
  collections: Collections,
  courseIds: string[],
  update: GradingSetupUpdate,
): Promise<AppliedSetup[]> {
  const planned: { courseId: string; update: GradingSetupUpdate }[] = [];
  const problems: string[] = [];
  for (const courseId of new Set(courseIds)) {
    const course = await collections.courses.findOne({ _id: courseId });
    if (!course) {
      problems.push(`course "${courseId}" not found; import it first`);
      continue;
    }
    const calendar = await collections.calendars.findOne({ _id: course.calendarId });
    const expanded = calendar ? expandTermTemplates(update, calendar) : update;
    const termIds = calendar?.terms.map((term) => term.id) ?? [];
    for (const problem of checkSetupAgainstTerms(expanded, termIds, course.calendarId)) {
      problems.push(`course "${courseId}": ${problem}`);
    }
    planned.push({ courseId, update: expanded });
  }
  if (problems.length > 0) {
    throw new Error(`no course was changed:\n  ${problems.join('\n  ')}`);
  }

  const applied: AppliedSetup[] = [];
  for (const { courseId, update: expanded } of planned) {
    const result = await updateCourseSetup(collections, courseId, expanded);
    applied.push({ courseId, changedItems: result.changedItems });
  }
  return applied;
}
