import {
  WorkflowExecutionAlreadyStartedError,
  type Client,
  type WorkflowExecutionInfo,
} from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import type { Collections } from '../db/mongo.js';
import type { Logger } from '../logger.js';
import { PUSH_ITEMS, type PushItem } from '../domain/setup.js';
import type { calendarPush } from '../workflows/calendar-push.js';
import { progressQuery, searchAttributes, workflowTypes } from '../workflows/definitions.js';
import type {
  CalendarPushInput,
  CourseFailure,
  PushKind,
  PushProgress,
  PushResult,
  PushState,
  Requester,
  SectionResidual,
} from '../workflows/types.js';
import { newPushId, pushWorkflowId } from './ids.js';

export interface PushServiceDependencies {
  client: Client;
  collections: Collections;
  taskQueue: string;
  logger: Logger;
}

export interface StartedPush {
  pushId: string;
  workflowId: string;
  runId: string;
}

export interface StartCoursePushRequest {
  courseId: string;
  items: PushItem[];
  overwriteCategories: boolean;
  requestedBy: Requester;
}

export interface StartCalendarPushRequest {
  calendarId: string;
  items: PushItem[];
  overwriteCategories: boolean;
  requestedBy: Requester;
  courseIds?: string[];
}

/** What the batch queue shows of a push. */
export interface PushView {
  pushId: string;
  kind: PushKind;
  state: PushState;
  calendarId: string | null;
  schoolId: string | null;
  requestedBy: Requester | null;
  items: PushItem[];
  overwriteCategories: boolean;
  startedAt: string;
  endedAt: string | null;
  progress: PushProgress | null;
  failures: CourseFailure[];
  residual: SectionResidual[];
  residualTotal: number;
  error: string | null;
  workflowId: string;
  runId: string;
}

interface PushMemo {
  pushId: string;
  kind: PushKind;
  calendarId?: string;
  schoolId?: string;
  requestedBy: Requester;
  items: PushItem[];
  overwriteCategories: boolean;
  courseIds?: string[];
}

export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

/** A push of the same scope is running; its id is in `runningPushId`. */
export class PushConflictError extends Error {
  override name = 'PushConflictError';
  constructor(
    message: string,
    readonly runningPushId: string | null,
  ) {
    super(message);
  }
}

export function createPushService(deps: PushServiceDependencies) {
  const { client, collections, taskQueue, logger } = deps;

  /**
   * Starts a push workflow under the scope's workflow id. The FAIL conflict policy makes Temporal
   * reject a second push of the same scope while one runs; the push that runs is named in the
   * PushConflictError.
   */
  async function startPushWorkflow(spec: {
    kind: PushKind;
    scopeId: string;
    scopeLabel: string;
    workflowType: string;
    input: CalendarPushInput;
    searchAttributePairs: SearchAttributePair[];
    summary: string;
    details: string[];
  }): Promise<StartedPush> {
    const { input } = spec;
    const workflowId = pushWorkflowId(spec.kind, spec.scopeId);
    const memo: PushMemo = {
      pushId: input.pushId,
      kind: spec.kind,
      calendarId: input.calendarId,
      schoolId: input.schoolId,
      requestedBy: input.requestedBy,
      items: input.items,
      overwriteCategories: input.overwriteCategories,
      ...(input.courseIds ? { courseIds: input.courseIds } : {}),
    };
    try {
      const handle = await client.workflow.start<typeof calendarPush>(spec.workflowType, {
        taskQueue,
        workflowId,
        args: [input],
        workflowIdConflictPolicy: 'FAIL',
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
        memo: { ...memo },
        typedSearchAttributes: [
          { key: searchAttributes.pushId, value: input.pushId },
          { key: searchAttributes.kind, value: spec.kind },
          { key: searchAttributes.state, value: 'queued' },
          { key: searchAttributes.requestedBy, value: input.requestedBy.sub },
          ...spec.searchAttributePairs,
        ],
        staticSummary: spec.summary,
        staticDetails: [
          `Push id: ${input.pushId}`,
          `Requested by: ${input.requestedBy.sub} (${input.requestedBy.role})`,
          ...spec.details,
        ].join('\n'),
      });
      logger.info(
        { pushId: input.pushId, kind: spec.kind, workflowId, runId: handle.firstExecutionRunId },
        'Push started',
      );
      return { pushId: input.pushId, workflowId, runId: handle.firstExecutionRunId };
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) {
        const running = await client.workflow.getHandle(workflowId).describe();
        const runningPushId = running.typedSearchAttributes.get(searchAttributes.pushId) ?? null;
        throw new PushConflictError(
          `${spec.scopeLabel} already has a push running (${runningPushId ?? workflowId}); wait for it to end or cancel it`,
          runningPushId,
        );
      }
      throw error;
    }
  }

  async function startCalendarPush(request: StartCalendarPushRequest): Promise<StartedPush> {
    const calendar = await collections.calendars.findOne({ _id: request.calendarId });
    if (!calendar) {
      throw new NotFoundError(
        `calendar "${request.calendarId}" not found; GET /calendars lists them`,
      );
    }
    const items = PUSH_ITEMS.filter((item) => request.items.includes(item));
    return startPushWorkflow({
      kind: 'calendar',
      scopeId: request.calendarId,
      scopeLabel: `calendar "${request.calendarId}"`,
      workflowType: workflowTypes.calendarPush,
      input: {
        pushId: newPushId('calendar', request.calendarId, new Date()),
        calendarId: request.calendarId,
        schoolId: calendar.schoolId,
        requestedBy: request.requestedBy,
        items,
        overwriteCategories: request.overwriteCategories,
        courseIds: request.courseIds,
      },
      searchAttributePairs: [
        { key: searchAttributes.calendarId, value: request.calendarId },
        { key: searchAttributes.schoolId, value: calendar.schoolId },
      ],
      summary: `Push ${items.join(', ')} of calendar ${request.calendarId} to sections`,
      details: [
        `Items: ${items.join(', ')}`,
        `Overwrite categories: ${request.overwriteCategories ? 'yes' : 'no'}`,
        request.courseIds ? `Only courses: ${request.courseIds.join(', ')}` : 'All courses',
      ],
    });
  }

  /** Push to Sections for one course. */
  async function startCoursePush(request: StartCoursePushRequest): Promise<StartedPush> {
    const course = await collections.courses.findOne(
      { _id: request.courseId },
      { projection: { calendarId: 1, schoolId: 1 } },
    );
    if (!course) {
      throw new NotFoundError(
        `course "${request.courseId}" not found; GET /calendars/:calendarId/courses lists them`,
      );
    }
    const items = PUSH_ITEMS.filter((item) => request.items.includes(item));
    return startPushWorkflow({
      kind: 'course',
      scopeId: request.courseId,
      scopeLabel: `course "${request.courseId}"`,
      workflowType: workflowTypes.courseSectionsPush,
      input: {
        pushId: newPushId('course', request.courseId, new Date()),
        calendarId: course.calendarId,
        schoolId: course.schoolId,
        requestedBy: request.requestedBy,
        items,
        overwriteCategories: request.overwriteCategories,
        courseIds: [request.courseId],
      },
      searchAttributePairs: [
        { key: searchAttributes.calendarId, value: course.calendarId },
        { key: searchAttributes.schoolId, value: course.schoolId },
        { key: searchAttributes.courseId, value: request.courseId },
      ],
      summary: `Push ${items.join(', ')} of course ${request.courseId} to its sections`,
      details: [
        `Items: ${items.join(', ')}`,
        `Overwrite categories: ${request.overwriteCategories ? 'yes' : 'no'}`,
      ],
    });
  }

  /** Finds the latest run of a push in Temporal visibility. */
  async function findExecution(pushId: string): Promise<WorkflowExecutionInfo | null> {
    const query = `${searchAttributes.pushId.name} = ${quote(pushId)} AND ExecutionStatus != 'ContinuedAsNew'`;
    for await (const execution of client.workflow.list({ query, pageSize: 1 })) {
      return execution;
    }
    return null;
  }

  async function getPush(pushId: string): Promise<PushView | null> {
    const execution = await findExecution(pushId);
    if (!execution) return null;
    return viewOf(execution);
  }

  async function viewOf(execution: WorkflowExecutionInfo): Promise<PushView> {
    const memo = (execution.memo ?? {}) as Partial<PushMemo>;
    const handle = client.workflow.getHandle(execution.workflowId, execution.runId);
    const base: PushView = {
      pushId: memo.pushId ?? execution.typedSearchAttributes.get(searchAttributes.pushId) ?? '',
      kind: memo.kind ?? 'calendar',
      state: stateOf(execution),
      calendarId: memo.calendarId ?? null,
      schoolId: memo.schoolId ?? null,
      requestedBy: memo.requestedBy ?? null,
      items: memo.items ?? [],
      overwriteCategories: memo.overwriteCategories ?? false,
      startedAt: execution.startTime.toISOString(),
      endedAt: execution.closeTime?.toISOString() ?? null,
      progress: null,
      failures: [],
      residual: [],
      residualTotal: 0,
      error: null,
      workflowId: execution.workflowId,
      runId: execution.runId,
    };
    const status = execution.status.name;
    if (status === 'COMPLETED') {
      const result = (await handle.result()) as PushResult;
      return {
        ...base,
        state: result.state,
        startedAt: result.startedAt,
        progress: result.progress,
        failures: result.failures,
        residual: result.residual,
        residualTotal: result.residualTotal,
      };
    }
    if (status === 'RUNNING' || status === 'CANCELLED') {
      try {
        base.progress = await handle.query(progressQuery);
      } catch (error) {
        logger.warn({ pushId: base.pushId, err: error }, 'Progress query failed');
      }
      return base;
    }
    try {
      await handle.result();
    } catch (error) {
      base.error = error instanceof Error ? rootMessage(error) : String(error);
    }
    return base;
  }

  async function listPushes(filter: {
    calendarId?: string;
    state?: PushState;
    limit: number;
  }): Promise<PushView[]> {
    const clauses = [
      `ExecutionStatus != 'ContinuedAsNew'`,
      `${searchAttributes.pushId.name} IS NOT NULL`,
    ];
    if (filter.calendarId)
      clauses.push(`${searchAttributes.calendarId.name} = ${quote(filter.calendarId)}`);
    if (filter.state) clauses.push(stateClause(filter.state));
    const views: PushView[] = [];
    for await (const execution of client.workflow.list({ query: clauses.join(' AND ') })) {
      if (views.length >= filter.limit) break;
      views.push(await listViewOf(execution));
    }
    return views;
  }

  /** A cheaper view for lists: no result fetch, except progress of running pushes. */
  async function listViewOf(execution: WorkflowExecutionInfo): Promise<PushView> {
    return viewOf(execution);
  }

  async function waitForPush(pushId: string): Promise<PushView> {
    for (;;) {
      const execution = await findExecution(pushId);
      if (!execution) throw new NotFoundError(`push "${pushId}" not found`);
      if (execution.status.name !== 'RUNNING') return viewOf(execution);
      try {
        await client.workflow.getHandle(execution.workflowId, execution.runId).result();
      } catch {
        // The run continued as new or failed: look the push up again.
      }
    }
  }

  return {
    startPushWorkflow,
    startCalendarPush,
    startCoursePush,
    getPush,
    listPushes,
    waitForPush,
  };
}

export type PushService = ReturnType<typeof createPushService>;

function stateOf(execution: WorkflowExecutionInfo): PushState {
  switch (execution.status.name) {
    case 'RUNNING': {
      const state = execution.typedSearchAttributes.get(searchAttributes.state);
      return state === 'running' ? 'running' : 'queued';
    }
    case 'COMPLETED': {
      const state = execution.typedSearchAttributes.get(searchAttributes.state);
      return state === 'completedWithErrors' ? 'completedWithErrors' : 'completed';
    }
    case 'CANCELLED':
      return 'cancelled';
    default:
      return 'failed';
  }
}

function stateClause(state: PushState): string {
  switch (state) {
    case 'queued':
    case 'running':
      return `ExecutionStatus = 'Running' AND ${searchAttributes.state.name} = ${quote(state)}`;
    case 'completed':
    case 'completedWithErrors':
      return `ExecutionStatus = 'Completed' AND ${searchAttributes.state.name} = ${quote(state)}`;
    case 'cancelled':
      return `ExecutionStatus = 'Canceled'`;
    case 'failed':
      return `ExecutionStatus IN ('Failed', 'Terminated', 'TimedOut')`;
  }
}

/** Quotes a value for a Temporal visibility query. */
export function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function rootMessage(error: Error): string {
  let current: Error = error;
  while (current.cause instanceof Error) current = current.cause;
  return current.message;
}
