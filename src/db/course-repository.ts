import type { Collections } from './mongo.js';
import type { CourseDoc } from './types.js';
import { deepEqual } from '../domain/diff.js';
import { pickItems } from '../domain/master-rules.js';
import { linkAfterCourseEdit } from './master-repository.js';
import { PUSH_ITEMS, type GradingSetupUpdate, type PushItem } from '../domain/setup.js';

const MAX_UPDATE_ATTEMPTS = 5;

export class CourseNotFoundError extends Error {
  override name = 'CourseNotFoundError';
}

export interface CourseSetupUpdateResult {
  course: CourseDoc;
  changedItems: PushItem[];
}

/**
 * Replaces the given items of a course's grading setup. An item's version goes up only when its
 * content changes, so sending the same setup twice changes nothing. Concurrent updates are
 * serialized by a guard on the versions read. For a course linked to a course master, a change to
 * an item the master locks throws ItemLockedError, and a change that makes an unlocked item differ
 * from the master's sets the link to `desynced`.
 */
export async function updateCourseSetup(
  collections: Collections,
  courseId: string,
  update: GradingSetupUpdate,
): Promise<CourseSetupUpdateResult> {
  for (let attempt = 1; attempt <= MAX_UPDATE_ATTEMPTS; attempt++) {
    const course = await collections.courses.findOne({ _id: courseId });
    if (!course) {
      throw new CourseNotFoundError(`course "${courseId}" not found`);
    }
    const changedItems = PUSH_ITEMS.filter(
      (item) => update[item] !== undefined && !deepEqual(update[item], course.setup[item]),
    );
    if (changedItems.length === 0) return { course, changedItems };
    const changes = pickItems(update, changedItems);
    const link = await linkAfterCourseEdit(collections, course, changes);

    const now = new Date();
    const set: Record<string, unknown> = {};
    if (link !== course.link) set.link = link;
    for (const item of changedItems) {
      set[`setup.${item}`] = update[item];
      set[`versions.${item}`] = course.versions[item] + 1;
      set[`changedAt.${item}`] = now;
    }
    // The link fields are guarded too, so a relink or unlink in between is not overwritten.
    const guard: Record<string, unknown> = {
      _id: courseId,
      link: course.link,
      courseMasterId: course.courseMasterId,
    };
    for (const item of PUSH_ITEMS) guard[`versions.${item}`] = course.versions[item];
    const result = await collections.courses.findOneAndUpdate(
      guard,
      { $set: set },
      { returnDocument: 'after' },
    );
    if (result) return { course: result, changedItems };
  }
  throw new Error(
    `course "${courseId}" kept changing during ${MAX_UPDATE_ATTEMPTS} update attempts; try again`,
  );
}
