import type { Collections } from './mongo.js';
import type { SectionDoc } from './types.js';
import {
  planSectionPush,
  type CourseSnapshot,
  type PushOptions,
  type SectionState,
} from '../domain/push-rules.js';
import type { ResidualCategory } from '../workflows/types.js';

/** Write attempts per section before the activity fails and Temporal retries it. */
const MAX_WRITE_ATTEMPTS = 5;

export interface SectionPushOutcome {
  sectionId: string;
  outcome: 'updated' | 'unchanged' | 'failed';
  residual: ResidualCategory[];
  error?: { type: string; message: string };
}

export async function findCourseSnapshot(
  collections: Collections,
  courseId: string,
): Promise<CourseSnapshot | null> {
  const course = await collections.courses.findOne(
    { _id: courseId },
    { projection: { setup: 1, versions: 1 } },
  );
  if (!course) return null;
  return { courseId, setup: course.setup, versions: course.versions };
}

/** Counts a section's assignments per category id. */
export async function countAssignmentsByCategory(
  collections: Collections,
  sectionId: string,
): Promise<Record<string, number>> {
  const assignments = await collections.assignments
    .find({ sectionId }, { projection: { categoryId: 1 } })
    .toArray();
  const counts: Record<string, number> = {};
  for (const assignment of assignments) {
    if (assignment.categoryId === null) continue;
    counts[assignment.categoryId] = (counts[assignment.categoryId] ?? 0) + 1;
  }
  return counts;
}

/**
 * Reads what `planSectionPush` needs about one section. The push and its preview both call this,
 * so a preview plans with the same inputs as the push that follows it.
 */
export async function readSectionState(
  collections: Collections,
  section: SectionDoc,
): Promise<SectionState> {
  const assignmentCounts = await countAssignmentsByCategory(collections, section._id);
  return { setup: section.setup, received: section.received, assignmentCounts };
}

/**
 * Counts the assignments per category of a page of sections with one query instead of one per
 * section. Sections are still read one by one: FerretDB serves `_id` equality from its primary
 * key but scans the collection for `$in`.
 */
export async function countPageAssignments(
  collections: Collections,
  sectionIds: string[],
): Promise<Map<string, Record<string, number>>> {
  const assignments = await collections.assignments
    .find({ sectionId: { $in: sectionIds } }, { projection: { sectionId: 1, categoryId: 1 } })
    .toArray();
  const counts = new Map<string, Record<string, number>>(sectionIds.map((id) => [id, {}]));
  for (const { sectionId, categoryId } of assignments) {
    const sectionCounts = counts.get(sectionId);
    if (!sectionCounts || categoryId === null) continue;
    sectionCounts[categoryId] = (sectionCounts[categoryId] ?? 0) + 1;
  }
  return counts;
}

export class SectionWriteConflictError extends Error {
  override name = 'SectionWriteConflictError';
}

export interface PushSectionInput {
  pushId: string;
  course: CourseSnapshot;
  sectionId: string;
  options: PushOptions;
  /** Called when another writer changed the section between this push's read and write. */
  onConflict?: (attempt: number) => void;
  /** Runs between the read and the guarded write; tests use it to interleave a teacher's edit. */
  afterRead?: (section: SectionDoc) => Promise<void>;
  /** Assignment counts read with the section's page; used for the first attempt only. */
  assignmentCounts?: Record<string, number>;
}

/**
 * Pushes a course's setup to one section. The write is guarded by the section's version: when a
 * teacher's edit lands between the read and the write, the guard fails and the push re-reads the
 * section and applies the rules again, so the edit is kept.
 */
export async function pushSection(
  collections: Collections,
  input: PushSectionInput,
): Promise<SectionPushOutcome> {
  const { pushId, course, sectionId, options } = input;

  for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
    const section = await collections.sections.findOne({ _id: sectionId });
    if (!section) {
      return {
        sectionId,
        outcome: 'failed',
        residual: [],
        error: { type: 'SectionNotFound', message: `section "${sectionId}" no longer exists` },
      };
    }
    if (section.courseId !== course.courseId) {
      return {
        sectionId,
        outcome: 'failed',
        residual: [],
        error: {
          type: 'SectionMoved',
          message: `section "${sectionId}" now belongs to course "${section.courseId}", not "${course.courseId}"`,
        },
      };
    }

    const counted = attempt === 1 ? input.assignmentCounts : undefined;
    const state: SectionState = counted
      ? { setup: section.setup, received: section.received, assignmentCounts: counted }
      : await readSectionState(collections, section);
    const plan = planSectionPush(course, state, options);
    const residual = plan.residual.map(({ categoryId, name, assignmentCount, reason }) => ({
      categoryId,
      name,
      assignmentCount,
      reason,
    }));

    if (!plan.needsWrite) {
      // A retried activity finds its own earlier write here and reports it as it was.
      const outcome = section.lastPush?.pushId === pushId ? section.lastPush.outcome : 'unchanged';
      return { sectionId, outcome, residual };
    }

    await input.afterRead?.(section);

    const now = new Date();
    const set: Record<string, unknown> = {
      setup: plan.setup,
      lastPush: {
        pushId,
        outcome: 'updated',
        residualCategoryIds: residual.map((r) => r.categoryId),
        at: now,
      },
    };
    for (const item of plan.receivedItems) {
      set[`received.${item}`] = { version: course.versions[item], pushId, at: now };
    }
    const result = await collections.sections.updateOne(
      { _id: sectionId, version: section.version },
      { $set: set, $inc: { version: 1 } },
    );
    if (result.matchedCount === 1) {
      return { sectionId, outcome: 'updated', residual };
    }
    input.onConflict?.(attempt);
  }
  throw new SectionWriteConflictError(
    `section "${sectionId}" kept changing during ${MAX_WRITE_ATTEMPTS} write attempts of push "${pushId}"`,
  );
}
