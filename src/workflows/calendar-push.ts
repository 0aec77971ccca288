import {
  ApplicationFailure,
  ChildWorkflowFailure,
  ContinueAsNew,
  continueAsNew,
  isCancellation,
  log,
  proxyActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
  ParentClosePolicy,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { readActivityOptions } from './activity-options.js';
import { coursePush } from './course-push.js';
import { progressQuery, searchAttributes } from './definitions.js';
import {
  DEFAULT_CALENDAR_TUNING,
  MAX_LISTED_RESIDUAL,
  type CalendarPushCarry,
  type CalendarPushInput,
  type CourseFailure,
  type CoursePushResult,
  type PushKind,
  type PushResult,
  type PushState,
} from './types.js';
import { runWithConcurrency } from './concurrency.js';
import { notifyRequester, pushEndedNotice } from './notify.js';
import { historyIsLarge, resultOf, storePushSummary } from './push-summary.js';

const reads = proxyActivities<Activities>(readActivityOptions);

/** Workflow id of one course's child run inside a push. */
export function courseChildWorkflowId(parentWorkflowId: string, courseId: string): string {
  return `${parentWorkflowId}/course-${courseId}`;
}

/**
 * Pushes the grading setup of every course of one calendar (or of the listed courses) to the
 * courses' sections: one coursePush child per course, a bounded number at a time, page by page.
 * Continues as new before the history grows large, carrying counts, failures and the cursor.
 */
export async function calendarPush(input: CalendarPushInput): Promise<PushResult> {
  return pushCourses(input, 'calendar', (carry) =>
    continueAsNew<typeof calendarPush>({ ...input, carry }),
  );
}

/**
 * Push to Sections for one course (`courseIds` contains that course): the calendar push's engine
 * and bookkeeping, listed in the batch queue with kind "course".
 */
export async function courseSectionsPush(input: CalendarPushInput): Promise<PushResult> {
  return pushCourses(input, 'course', (carry) =>
    continueAsNew<typeof courseSectionsPush>({ ...input, carry }),
  );
}

async function pushCourses(
  input: CalendarPushInput,
  kind: PushKind,
  continueWith: (carry: CalendarPushCarry) => Promise<never>,
): Promise<PushResult> {
  const tuning = { ...DEFAULT_CALENDAR_TUNING, ...input.tuning };
  const carry: CalendarPushCarry = input.carry ?? {
    cursor: null,
    progress: {
      coursesTotal: 0,
      coursesDone: 0,
      coursesFailed: 0,
      sectionsUpdated: 0,
      sectionsUnchanged: 0,
      sectionsFailed: 0,
      currentPage: 0,
    },
    failures: [],
    residual: [],
    residualTotal: 0,
    // The chain's start time, which is also the StartTime Temporal visibility lists it by.
    startedAt: workflowInfo().startTime.toISOString(),
  };
  const { progress } = carry;
  setHandler(progressQuery, () => progress);
  setState('running');

  try {
    if (!input.carry) {
      progress.coursesTotal = input.courseIds
        ? new Set(input.courseIds).size
        : await reads.countCalendarCourses.executeWithOptions(
            { ...readActivityOptions, summary: `Count courses of ${input.calendarId}` },
            [{ calendarId: input.calendarId }],
          );
    }

    for (;;) {
      const courseIds = await nextCoursePage(input, carry.cursor, tuning.pageSize);
      if (courseIds.length === 0) break;
      progress.currentPage++;

      await runWithConcurrency(courseIds, tuning.maxConcurrentCourses, (courseId) =>
        pushOneCourse(input, courseId, carry),
      );
      carry.cursor = courseIds[courseIds.length - 1] ?? carry.cursor;

      if (historyIsLarge(tuning.continueAsNewAfterEvents)) {
        log.info('Continuing the push as new', {
          pushId: input.pushId,
          cursor: carry.cursor,
          historyLength: workflowInfo().historyLength,
        });
        await continueWith(carry);
      }
    }
  } catch (error) {
    if (isCancellation(error)) {
      setState('cancelled');
      log.info('Push cancelled', { pushId: input.pushId, progress });
      await storePushSummary(input, kind, resultOf(carry, 'cancelled'));
      await notifyRequester(pushEndedNotice(input, kind, 'cancelled', carry));
    } else if (!(error instanceof ContinueAsNew)) {
      log.error('Push failed', { pushId: input.pushId, error: String(error), progress });
      await notifyRequester(pushEndedNotice(input, kind, 'failed', carry, error));
    }
    throw error;
  }

  const result = resultOf(carry, carry.failures.length > 0 ? 'completedWithErrors' : 'completed');
  setState(result.state);
  log.info('Push finished', { pushId: input.pushId, state: result.state, progress });
  await storePushSummary(input, kind, result);
  await notifyRequester(pushEndedNotice(input, kind, result.state, carry));
  return { pushId: input.pushId, kind, ...result };
}

/**
 * Returns the next page of course ids after the cursor, in id order. A push of listed courses
 * pages through its list, so a listed course that no longer exists fails with CourseNotFound
 * instead of being skipped.
 */
async function nextCoursePage(
  input: CalendarPushInput,
  cursor: string | null,
  limit: number,
): Promise<string[]> {
  if (input.courseIds) {
    return [...new Set(input.courseIds)]
      .sort()
      .filter((id) => cursor === null || id > cursor)
      .slice(0, limit);
  }
  return reads.listCalendarCourseIds.executeWithOptions(
    { ...readActivityOptions, summary: `List courses after ${cursor ?? 'the start'}` },
    [{ calendarId: input.calendarId, after: cursor, limit }],
  );
}

async function pushOneCourse(
  input: CalendarPushInput,
  courseId: string,
  carry: CalendarPushCarry,
): Promise<void> {
  const { progress } = carry;
  try {
    const child = await startChild(coursePush, {
      workflowId: courseChildWorkflowId(workflowInfo().workflowId, courseId),
      args: [
        {
          pushId: input.pushId,
          courseId,
          items: input.items,
          overwriteCategories: input.overwriteCategories,
          requestedBy: input.requestedBy,
        },
      ],
      staticSummary: `Push course ${courseId} to its sections`,
      parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
    });
    const result: CoursePushResult = await child.result();
    progress.coursesDone++;
    progress.sectionsUpdated += result.sectionsUpdated;
    progress.sectionsUnchanged += result.sectionsUnchanged;
    progress.sectionsFailed += result.sectionsFailed.length;
    for (const failure of result.sectionsFailed) {
      recordFailure(carry, {
        courseId,
        type: failure.type,
        message: `section ${failure.sectionId}: ${failure.message}`,
      });
    }
    for (const residual of result.residual) {
      carry.residualTotal++;
      if (carry.residual.length < MAX_LISTED_RESIDUAL) carry.residual.push(residual);
    }
  } catch (error) {
    if (isCancellation(error)) throw error;
    progress.coursesDone++;
    progress.coursesFailed++;
    const cause = error instanceof ChildWorkflowFailure ? rootCause(error) : error;
    recordFailure(carry, {
      courseId,
      type: cause instanceof ApplicationFailure && cause.type ? cause.type : errorName(cause),
      message: cause instanceof Error ? cause.message : String(cause),
    });
    log.warn('Course push failed', { pushId: input.pushId, courseId, error: String(cause) });
  }
}

function recordFailure(carry: CalendarPushCarry, failure: CourseFailure): void {
  carry.failures.push(failure);
}

export function rootCause(error: Error): unknown {
  let current: unknown = error;
  while (current instanceof Error && current.cause) current = current.cause;
  return current;
}

export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'Error';
}

export function setState(state: PushState): void {
  upsertSearchAttributes([{ key: searchAttributes.state, value: state }]);
}
