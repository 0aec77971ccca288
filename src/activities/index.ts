import {
  ApplicationFailure,
  CancelledFailure,
  cancellationSignal,
  heartbeat,
  log,
} from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { listIdsAfter, type Collections } from '../db/mongo.js';
import {
  findCourseSnapshot,
  countPageAssignments,
  pushSection,
  type SectionPushOutcome,
} from '../db/push-repository.js';
import type { CourseSnapshot } from '../domain/push-rules.js';
import { createNotificationActivities } from './notifications.js';
import { createMasterPushActivities } from './master-push.js';
import type { PushOptionsInput, PushSummaryInput } from '../workflows/types.js';
import { recordPushSummary } from '../db/push-summaries.js';

export interface ActivityDependencies {
  collections: Collections;
  /** Client on the worker's connection, for signalling other workflows. */
  client: Client;
}

export interface ListCourseIdsInput {
  calendarId: string;
  /** Return ids greater than this one (pages are ordered by id). */
  after: string | null;
  limit: number;
}

export interface PushSectionsInput extends PushOptionsInput {
  pushId: string;
  course: CourseSnapshot;
  sectionIds: string[];
}

/** Creates the activities with their dependencies, so the worker and the tests share one set. */
export function createActivities({ collections, client }: ActivityDependencies) {
  return {
    ...createNotificationActivities({ collections, client }),
    ...createMasterPushActivities({ collections }),

    async countCalendarCourses(input: { calendarId: string }): Promise<number> {
      return collections.courses.countDocuments({ calendarId: input.calendarId });
    },

    async listCalendarCourseIds(input: ListCourseIdsInput): Promise<string[]> {
      const filter = { calendarId: input.calendarId };
      return listIdsAfter(collections.courses, filter, input.after, input.limit);
    },

    /** Loads a course's setup and versions; a missing course fails the course for good. */
    async loadCourseSnapshot(input: { courseId: string }): Promise<CourseSnapshot> {
      const snapshot = await findCourseSnapshot(collections, input.courseId);
      if (!snapshot) {
        throw ApplicationFailure.create({
          type: 'CourseNotFound',
          message: `course "${input.courseId}" does not exist; it may have been removed since the push started`,
          nonRetryable: true,
        });
      }
      return snapshot;
    },

    /** Stores an ended push's summary; a retry replaces it with the same content. */
    async recordPushSummary(summary: PushSummaryInput): Promise<void> {
      const { pushId, startedAt, endedAt, ...rest } = summary;
      await recordPushSummary(collections, {
        _id: pushId,
        ...rest,
        startedAt: new Date(startedAt),
        endedAt: new Date(endedAt),
      });
    },

    async listSectionIds(input: { courseId: string }): Promise<string[]> {
      const sections = await collections.sections
        .find({ courseId: input.courseId }, { projection: { _id: 1 } })
        .sort({ _id: 1 })
        .toArray();
      return sections.map((section) => section._id);
    },

    /**
     * Applies the push rules to each section with a write guarded by the section's version.
     * A retry finds the sections already pushed and reports the outcome recorded on them.
     */
    async pushSections(input: PushSectionsInput): Promise<SectionPushOutcome[]> {
      const outcomes: SectionPushOutcome[] = [];
      const assignmentCounts = await countPageAssignments(collections, input.sectionIds);
      for (const sectionId of input.sectionIds) {
        // Stop between sections when the push is cancelled: each section write is one atomic
        // document update, so no section is left half-written.
        if (cancellationSignal().aborted) {
          throw new CancelledFailure(`push ${input.pushId} was cancelled`);
        }
        heartbeat({ sectionsDone: outcomes.length });
        const outcome = await pushSection(collections, {
          pushId: input.pushId,
          course: input.course,
          sectionId,
          options: { items: input.items, overwriteCategories: input.overwriteCategories },
          assignmentCounts: assignmentCounts.get(sectionId),
          onConflict: (attempt) => {
            log.warn('Section changed during the push; re-reading it', {
              pushId: input.pushId,
              courseId: input.course.courseId,
              sectionId,
              attempt,
            });
          },
        });
        outcomes.push(outcome);
      }
      log.info('Pushed sections', {
        pushId: input.pushId,
        courseId: input.course.courseId,
        updated: outcomes.filter((o) => o.outcome === 'updated').length,
        unchanged: outcomes.filter((o) => o.outcome === 'unchanged').length,
        failed: outcomes.filter((o) => o.outcome === 'failed').length,
      });
      return outcomes;
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
