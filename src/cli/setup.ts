import type { Collections } from '../db/mongo.js';
import { updateCourseSetup } from '../db/course-repository.js';
import type { GradingSetupUpdate, PushItem } from '../domain/setup.js';
import { expandTermTemplates } from '../setup-file.js';

export interface AppliedSetup {
  courseId: string;
  changedItems: PushItem[];
}

/** Applies a setup (term templates expanded per calendar) to each listed course. */
export async function applySetupToCourses(
  collections: Collections,
  courseIds: string[],
  update: GradingSetupUpdate,
): Promise<AppliedSetup[]> {
  const applied: AppliedSetup[] = [];
  for (const courseId of courseIds) {
    const course = await collections.courses.findOne({ _id: courseId });
    if (!course) throw new Error(`course "${courseId}" not found; import it first`);
    const calendar = await collections.calendars.findOne({ _id: course.calendarId });
    const expanded = calendar ? expandTermTemplates(update, calendar) : update;
    const result = await updateCourseSetup(collections, courseId, expanded);
    applied.push({ courseId, changedItems: result.changedItems });
  }
  return applied;
}
