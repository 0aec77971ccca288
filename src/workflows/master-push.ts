import {
  ApplicationFailure,
  continueAsNew,
  isCancellation,
  log,
  ParentClosePolicy,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { MasterControl } from '../domain/master-rules.js';
import type { PushItem } from '../domain/setup.js';
import { courseWriteActivityOptions, readActivityOptions } from './activity-options.js';
import { courseChildWorkflowId, errorName, rootCause } from './calendar-push.js';
import type {
  CourseMasterPushOutcome,
  MasterPushCarry,
  MasterPushInput,
  MasterPushResult,
} from './catalog-types.js';
import { runWithConcurrency } from './concurrency.js';
import { coursePush } from './course-push.js';
import { progressQuery } from './definitions.js';
import { historyIsLarge } from './push-summary.js';
import { MAX_LISTED_RESIDUAL, type CourseFailure, type SectionResidual } from './types.js';

const reads = proxyActivities<Activities>(readActivityOptions);
const writes = proxyActivities<Activities>(courseWriteActivityOptions);

/** Workflow id of one course master's child run inside a catalog push. */
export function masterChildWorkflowId(parentWorkflowId: string, masterId: string): string {
  return `${parentWorkflowId}/master-${masterId}`;
}

/** Returns the empty counts and lists a catalog push, or one master's run, starts with. */
export function newMasterPushCarry(startedAt: string): MasterPushCarry {
  return {
    cursor: null,
    progress: {
      coursesTotal: 0,
      coursesDone: 0,
      coursesFailed: 0,
      coursesUpdated: 0,
      sectionsUpdated: 0,
      sectionsUnchanged: 0,
      sectionsFailed: 0,
      currentPage: 0,
    },
    failures: [],
    residual: [],
    residualTotal: 0,
    startedAt,
  };
}

/** Counts a residual entry and lists it while the list is below its maximum. */
export function addResidual(carry: MasterPushCarry, residual: SectionResidual): void {
  carry.residualTotal++;
  if (carry.residual.length < MAX_LISTED_RESIDUAL) carry.residual.push(residual);
}

/** Returns the failure type and message of an activity or child workflow failure. */
export function describeFailure(error: unknown): Pick<CourseFailure, 'type' | 'message'> {
  const cause = error instanceof Error ? rootCause(error) : error;
  return {
    type: cause instanceof ApplicationFailure && cause.type ? cause.type : errorName(cause),
    message: cause instanceof Error ? cause.message : String(cause),
  };
}

/**
 * Pushes one course master to its linked courses in the push's calendars, a page of courses at a
 * time, and with `pushToSections` continues each changed course with a coursePush child. A
 * desynced course fails with its reason and the others go on. Continues as new before the
 * history grows large, carrying the master as first loaded.
 */
export async function masterPush(input: MasterPushInput): Promise<MasterPushResult> {
  const { masterId, tuning } = input;
  const carry = input.carry ?? newMasterPushCarry(new Date().toISOString());
  const { progress } = carry;
  setHandler(progressQuery, () => progress);

  const master =
    input.master ??
    (await reads.loadMasterControl.executeWithOptions(
      { ...readActivityOptions, summary: `Load course master ${masterId}` },
      [{ masterId }],
    ));
  if (!input.carry) {
    progress.coursesTotal = await reads.countMasterCourses.executeWithOptions(
      { ...readActivityOptions, summary: `Count courses of course master ${masterId}` },
      [{ masterId, calendarIds: input.calendarIds }],
    );
  }

  for (;;) {
    const courseIds = await reads.listMasterCourseIds.executeWithOptions(
      { ...readActivityOptions, summary: `List courses after ${carry.cursor ?? 'the start'}` },
      [
        {
          masterId,
          calendarIds: input.calendarIds,
          after: carry.cursor,
          limit: tuning.pageSize,
        },
      ],
    );
    if (courseIds.length === 0) break;
    progress.currentPage++;

    await runWithConcurrency(courseIds, tuning.maxConcurrentCourses, (courseId) =>
      pushOneCourse(input, master, courseId, carry),
    );
    carry.cursor = courseIds[courseIds.length - 1] ?? carry.cursor;

    if (historyIsLarge(tuning.continueAsNewAfterEvents)) {
      log.info('Continuing the course master push as new', {
        pushId: input.pushId,
        masterId,
        cursor: carry.cursor,
        historyLength: workflowInfo().historyLength,
      });
      await continueAsNew<typeof masterPush>({ ...input, master, carry });
    }
  }

  log.info('Course master pushed', { pushId: input.pushId, masterId, progress });
  return {
    masterId,
    progress,
    failures: carry.failures,
    residual: carry.residual,
    residualTotal: carry.residualTotal,
  };
}

async function pushOneCourse(
  input: MasterPushInput,
  master: MasterControl,
  courseId: string,
  carry: MasterPushCarry,
): Promise<void> {
  const { progress } = carry;
  let outcome: CourseMasterPushOutcome;
  try {
    outcome = await writes.pushMasterToCourse.executeWithOptions(
      {
        ...courseWriteActivityOptions,
        summary: `Push course master ${input.masterId} to course ${courseId}`,
      },
      [
        {
          pushId: input.pushId,
          master,
          courseId,
          mode: input.mode,
          items: input.items,
        },
      ],
    );
  } catch (error) {
    if (isCancellation(error)) throw error;
    progress.coursesDone++;
    progress.coursesFailed++;
    const failure = describeFailure(error);
    carry.failures.push({ courseId, masterId: input.masterId, ...failure });
    log.warn('Course master push to a course failed', {
      pushId: input.pushId,
      masterId: input.masterId,
      courseId,
      ...failure,
    });
    return;
  }

  progress.coursesDone++;
  if (outcome.outcome === 'updated') progress.coursesUpdated = (progress.coursesUpdated ?? 0) + 1;
  for (const entry of outcome.residual) addResidual(carry, { courseId, ...entry });
  if (input.pushToSections && outcome.outcome === 'updated') {
    await pushCourseToSections(input, courseId, outcome.pushedItems, carry);
  }
}

/** Runs the coursePush child for a course the master push changed, with the pushed items. */
async function pushCourseToSections(
  input: MasterPushInput,
  courseId: string,
  items: PushItem[],
  carry: MasterPushCarry,
): Promise<void> {
  const { progress } = carry;
  try {
    const child = await startChild(coursePush, {
      workflowId: courseChildWorkflowId(workflowInfo().workflowId, courseId),
      args: [
        {
          pushId: input.pushId,
          courseId,
          items,
          // Teacher categories stay (renamed on a name clash), as in a default section push.
          overwriteCategories: false,
          requestedBy: input.requestedBy,
        },
      ],
      staticSummary: `Push course ${courseId} to its sections`,
      parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
    });
    const result = await child.result();
    progress.sectionsUpdated += result.sectionsUpdated;
    progress.sectionsUnchanged += result.sectionsUnchanged;
    progress.sectionsFailed += result.sectionsFailed.length;
    for (const failure of result.sectionsFailed) {
      carry.failures.push({
        courseId,
        masterId: input.masterId,
        type: failure.type,
        message: `section ${failure.sectionId}: ${failure.message}`,
      });
    }
    for (const residual of result.residual) addResidual(carry, residual);
  } catch (error) {
    if (isCancellation(error)) throw error;
    progress.coursesFailed++;
    const failure = describeFailure(error);
    carry.failures.push({
      courseId,
      masterId: input.masterId,
      type: failure.type,
      message: `push to sections: ${failure.message}`,
    });
    log.warn('Push to sections after the course master push failed', {
      pushId: input.pushId,
      masterId: input.masterId,
      courseId,
      ...failure,
    });
  }
}
