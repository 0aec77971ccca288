import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type Client,
  type WorkflowExecutionInfo,
} from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import type { Collections } from '../db/mongo.js';
import type { Logger } from '../logger.js';
import { PUSH_ITEMS, type PushItem } from '../domain/setup.js';
import type { MasterPushMode } from '../domain/master-push.js';
import type { CatalogPushInput, CatalogPushTuning } from '../workflows/catalog-types.js';
import { searchAttributes, workflowTypes } from '../workflows/definitions.js';
import type {
  CalendarPushInput,
  CalendarPushTuning,
  PushKind,
  PushState,
  Requester,
} from '../workflows/types.js';
import { findPushSummaries } from '../db/push-summaries.js';
import { newPushId, pushWorkflowId, workflowIdOfPushId } from './ids.js';
import {
  quote,
  stateClause,
  viewFromExecution,
  viewFromSummary,
  type PushExecution,
  type PushMemo,
  type PushView,
} from './views.js';

export type { PushView } from './views.js';

/** How long a new push waits for a push of the same scope that is storing its summary to close. */
const CLOSING_WAIT_MS = 10_000;

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
  retryOf?: string;
}

export interface StartCalendarPushRequest {
  calendarId: string;
  items: PushItem[];
  overwriteCategories: boolean;
  requestedBy: Requester;
  courseIds?: string[];
  retryOf?: string;
  /** Paging and concurrency of the workflow; the defaults suit production. */
  tuning?: Partial<CalendarPushTuning>;
}

export interface StartCatalogPushRequest {
  catalogId: string;
  calendarIds: string[];
  mode: MasterPushMode;
  items: PushItem[];
  pushToSections: boolean;
  requestedBy: Requester;
  /** Paging and concurrency of the workflow; the defaults suit production. */
  tuning?: Partial<CatalogPushTuning>;
}

export interface PushListFilter {
  calendarId?: string;
  schoolId?: string;
  /** Limits the list to these schools (a school admin's). */
  schoolIds?: string[];
  courseId?: string;
  catalogId?: string;
  kind?: PushKind;
  requestedBy?: string;
  state?: PushState;
  startedAfter?: Date;
  startedBefore?: Date;
  limit: number;
}

export interface PushListPage {
  pushes: PushView[];
  /** Pass as `before` to read the next page; null on the last page. */
  nextBefore: string | null;
}

/** The push is in a state that does not allow the operation. */
export class PushStateError extends Error {
  override name = 'PushStateError';
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
   * reject a second push of the same scope while one runs, and the PushConflictError names the
   * push that runs.
   */
  async function startPushWorkflow(
    spec: {
      kind: PushKind;
      scopeId: string;
      scopeLabel: string;
      workflowType: string;
      input: CalendarPushInput | CatalogPushInput;
      searchAttributePairs: SearchAttributePair[];
      summary: string;
      details: string[];
    },
    attempt = 1,
  ): Promise<StartedPush> {
    const { input } = spec;
    const workflowId = pushWorkflowId(spec.kind, spec.scopeId);
    const memo = memoOf(spec.kind, input);
    try {
      const handle = await client.workflow.start(spec.workflowType, {
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
          ...(memo.retryOf ? [`Retries the failed courses of push ${memo.retryOf}`] : []),
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
        if (runningPushId && attempt === 1 && (await isClosing(workflowId, runningPushId))) {
          return startPushWorkflow(spec, 2);
        }
        throw new PushConflictError(
          `${spec.scopeLabel} already has a push running (${runningPushId ?? workflowId}); wait for it to end or cancel it`,
          runningPushId,
        );
      }
      throw error;
    }
  }

  /**
   * True when the running push has already stored its summary and then closed within a few
   * seconds: it was only finishing, so a new push of the scope may start.
   */
  async function isClosing(workflowId: string, pushId: string): Promise<boolean> {
    if (!(await collections.pushSummaries.findOne({ _id: pushId }, { projection: { _id: 1 } }))) {
      return false;
    }
    const handle = client.workflow.getHandle(workflowId);
    const deadline = Date.now() + CLOSING_WAIT_MS;
    while (Date.now() < deadline) {
      const { status } = await handle.describe();
      if (status.name !== 'RUNNING') return true;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return false;
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
        retryOf: request.retryOf,
        tuning: request.tuning,
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
        retryOf: request.retryOf,
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

  /** Push All Course Masters: pushes every master of a catalog to its courses in the calendars. */
  async function startCatalogPush(request: StartCatalogPushRequest): Promise<StartedPush> {
    const catalog = await collections.catalogs.findOne(
      { _id: request.catalogId },
      { projection: { _id: 1 } },
    );
    if (!catalog) {
      throw new NotFoundError(`catalog "${request.catalogId}" not found; GET /catalogs lists them`);
    }
    const items = PUSH_ITEMS.filter((item) => request.items.includes(item));
    return startPushWorkflow({
      kind: 'catalog',
      scopeId: request.catalogId,
      scopeLabel: `catalog "${request.catalogId}"`,
      workflowType: workflowTypes.catalogPush,
      input: {
        pushId: newPushId('catalog', request.catalogId, new Date()),
        catalogId: request.catalogId,
        calendarIds: request.calendarIds,
        mode: request.mode,
        items,
        pushToSections: request.pushToSections,
        requestedBy: request.requestedBy,
        tuning: request.tuning,
      },
      searchAttributePairs: [{ key: searchAttributes.catalogId, value: request.catalogId }],
      summary: `Push the course masters of catalog ${request.catalogId} (${request.mode})`,
      details: [
        `Calendars: ${request.calendarIds.join(', ')}`,
        `Mode: ${request.mode}`,
        `Items: ${items.join(', ')}`,
        `Push to sections: ${request.pushToSections ? 'yes' : 'no'}`,
      ],
    });
  }

  /** Finds the latest run of a push in Temporal visibility. */
  async function findExecution(pushId: string): Promise<PushExecution | null> {
    // The latest run of the push's workflow id is read directly, because visibility may not list
    // a push that started a moment ago. Older pushes of that id are found through visibility.
    const workflowId = workflowIdOfPushId(pushId);
    if (workflowId) {
      try {
        const latest = await client.workflow.getHandle(workflowId).describe();
        if (latest.typedSearchAttributes.get(searchAttributes.pushId) === pushId) return latest;
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      }
    }
    const query = `${searchAttributes.pushId.name} = ${quote(pushId)} AND ExecutionStatus != 'ContinuedAsNew'`;
    for await (const execution of client.workflow.list({ query, pageSize: 1 })) {
      return execution;
    }
    return null;
  }

  /** Returns a push as the batch queue shows it: its stored summary once it ended, else its workflow. */
  async function getPush(pushId: string): Promise<PushView | null> {
    const summary = await collections.pushSummaries.findOne({ _id: pushId });
    if (summary) return viewFromSummary(summary);
    const execution = await findExecution(pushId);
    return execution ? viewFromExecution(client, logger, execution) : null;
  }

  /**
   * Lists pushes newest first from Temporal visibility and the stored summaries together, so
   * pushes past the namespace retention stay listed. A push found in both is listed once.
   */
  async function listPushes(filter: PushListFilter): Promise<PushListPage> {
    const clauses = [
      `ExecutionStatus != 'ContinuedAsNew'`,
      `${searchAttributes.pushId.name} IS NOT NULL`,
    ];
    const equals: [typeof searchAttributes.calendarId, string | undefined][] = [
      [searchAttributes.calendarId, filter.calendarId],
      [searchAttributes.schoolId, filter.schoolId],
      [searchAttributes.courseId, filter.courseId],
      [searchAttributes.catalogId, filter.catalogId],
      [searchAttributes.kind, filter.kind],
      [searchAttributes.requestedBy, filter.requestedBy],
    ];
    for (const [attribute, value] of equals) {
      if (value !== undefined) clauses.push(`${attribute.name} = ${quote(value)}`);
    }
    if (filter.schoolIds) {
      if (filter.schoolIds.length === 0) return { pushes: [], nextBefore: null };
      clauses.push(
        `${searchAttributes.schoolId.name} IN (${filter.schoolIds.map(quote).join(', ')})`,
      );
    }
    if (filter.state) clauses.push(stateClause(filter.state));
    if (filter.startedAfter)
      clauses.push(`StartTime >= ${quote(filter.startedAfter.toISOString())}`);
    if (filter.startedBefore)
      clauses.push(`StartTime < ${quote(filter.startedBefore.toISOString())}`);

    const executions: WorkflowExecutionInfo[] = [];
    for await (const execution of client.workflow.list({
      query: clauses.join(' AND '),
      pageSize: filter.limit,
    })) {
      executions.push(execution);
      if (executions.length >= filter.limit) break;
    }
    const summaries = await findPushSummaries(
      collections,
      { ...filter, schoolIds: filter.schoolIds },
      filter.limit,
    );

    const byId = new Map<string, PushView>();
    for (const summary of summaries) byId.set(summary._id, viewFromSummary(summary));
    const pending = executions.filter((execution) => {
      const pushId = execution.typedSearchAttributes.get(searchAttributes.pushId);
      return pushId !== undefined && !byId.has(pushId);
    });
    for (const view of await Promise.all(
      pending.map((execution) => viewFromExecution(client, logger, execution)),
    )) {
      if (filter.state !== undefined && view.state !== filter.state) continue;
      // Page by the push's own start time, the key the summaries are sorted by too.
      if (filter.startedBefore && view.startedAt >= filter.startedBefore.toISOString()) continue;
      byId.set(view.pushId, view);
    }
    const pushes = [...byId.values()]
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.pushId.localeCompare(a.pushId))
      .slice(0, filter.limit);
    const full = executions.length >= filter.limit || summaries.length >= filter.limit;
    return { pushes, nextBefore: full ? (pushes[pushes.length - 1]?.startedAt ?? null) : null };
  }

  async function waitForPush(
    pushId: string,
    onProgress?: (view: PushView) => void,
    pollMs = 1000,
  ): Promise<PushView> {
    for (;;) {
      const view = await getPush(pushId);
      if (!view)
        throw new NotFoundError(
          `push "${pushId}" not found; \`gradepush pushes list\` lists pushes`,
        );
      if (view.state !== 'queued' && view.state !== 'running') return view;
      onProgress?.(view);
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  /** Requests cancellation of a running push; its course pushes are cancelled with it. */
  async function cancelPush(pushId: string, by: Requester): Promise<PushView> {
    const view = await getPush(pushId);
    if (!view) throw new NotFoundError(`push "${pushId}" not found; GET /pushes lists pushes`);
    if (view.state !== 'queued' && view.state !== 'running') {
      throw new PushStateError(
        `push "${pushId}" already ended (${view.state}); only a running push can be cancelled`,
      );
    }
    await client.workflow.getHandle(view.workflowId).cancel();
    logger.info({ pushId, workflowId: view.workflowId, by: by.sub }, 'Push cancellation requested');
    return view;
  }

  /** Starts a new push of the same scope and options for only the courses that failed. */
  async function retryPush(pushId: string, by: Requester): Promise<StartedPush> {
    const view = await getPush(pushId);
    if (!view) throw new NotFoundError(`push "${pushId}" not found; GET /pushes lists pushes`);
    if (view.state === 'queued' || view.state === 'running') {
      throw new PushStateError(`push "${pushId}" is still ${view.state}; retry it after it ends`);
    }
    const courseIds = [...new Set(view.failures.map((failure) => failure.courseId))];
    if (courseIds.length === 0) {
      throw new PushStateError(`push "${pushId}" has no failed courses to retry`);
    }
    const common = {
      items: view.items,
      overwriteCategories: view.overwriteCategories,
      requestedBy: by,
      retryOf: pushId,
    };
    if (view.kind === 'course' && view.courseIds?.[0]) {
      return startCoursePush({ ...common, courseId: view.courseIds[0] });
    }
    if (view.kind === 'calendar' && view.calendarId) {
      return startCalendarPush({ ...common, calendarId: view.calendarId, courseIds });
    }
    throw new PushStateError(
      `push "${pushId}" is a ${view.kind} push; start it again to push its failed courses`,
    );
  }

  return {
    startPushWorkflow,
    startCalendarPush,
    startCoursePush,
    startCatalogPush,
    getPush,
    listPushes,
    waitForPush,
    cancelPush,
    retryPush,
  };
}

export type PushService = ReturnType<typeof createPushService>;

/** Returns the memo a push workflow starts with, from its input. */
function memoOf(kind: PushKind, input: CalendarPushInput | CatalogPushInput): PushMemo {
  const common = { pushId: input.pushId, kind, requestedBy: input.requestedBy, items: input.items };
  if ('catalogId' in input) {
    return { ...common, catalogId: input.catalogId, overwriteCategories: false };
  }
  return {
    ...common,
    calendarId: input.calendarId,
    schoolId: input.schoolId,
    overwriteCategories: input.overwriteCategories,
    ...(input.courseIds ? { courseIds: input.courseIds } : {}),
    ...(input.retryOf ? { retryOf: input.retryOf } : {}),
  };
}
