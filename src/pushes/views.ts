import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import type { PushSummaryDoc } from '../db/types.js';
import type { PushItem } from '../domain/setup.js';
import type { Logger } from '../logger.js';
import { progressQuery, searchAttributes } from '../workflows/definitions.js';
import type {
  CourseFailure,
  PushKind,
  PushProgress,
  PushResult,
  PushState,
  Requester,
  SectionResidual,
} from '../workflows/types.js';

/** The parts of a listed or described workflow execution a push view reads. */
export type PushExecution = Omit<WorkflowExecutionInfo, 'raw'>;

/** A push as the batch queue shows it. */
export interface PushView {
  pushId: string;
  kind: PushKind;
  state: PushState;
  calendarId: string | null;
  schoolId: string | null;
  catalogId: string | null;
  courseIds: string[] | null;
  requestedBy: Requester | null;
  items: PushItem[];
  overwriteCategories: boolean;
  retryOf: string | null;
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

/** Memo every push workflow carries, so lists show a push without loading its history. */
export interface PushMemo {
  pushId: string;
  kind: PushKind;
  calendarId?: string;
  schoolId?: string;
  catalogId?: string;
  requestedBy: Requester;
  items: PushItem[];
  overwriteCategories: boolean;
  courseIds?: string[];
  retryOf?: string;
}

export function viewFromSummary(summary: PushSummaryDoc): PushView {
  return {
    pushId: summary._id,
    kind: summary.kind,
    state: summary.state,
    calendarId: summary.calendarId,
    schoolId: summary.schoolId,
    catalogId: summary.catalogId,
    courseIds: summary.courseIds,
    requestedBy: summary.requestedBy,
    items: summary.items,
    overwriteCategories: summary.overwriteCategories,
    retryOf: summary.retryOf,
    startedAt: summary.startedAt.toISOString(),
    endedAt: summary.endedAt.toISOString(),
    progress: summary.progress,
    failures: summary.failures,
    residual: summary.residual,
    residualTotal: summary.residualTotal,
    error: null,
    workflowId: summary.workflowId,
    runId: summary.runId,
  };
}

/**
 * Builds a push's view from its workflow: progress from the `progress` query while it runs, the
 * workflow result once it completed, and the failure message when it failed.
 */
export async function viewFromExecution(
  client: Client,
  logger: Logger,
  execution: PushExecution,
): Promise<PushView> {
  const memo = (execution.memo ?? {}) as Partial<PushMemo>;
  const handle = client.workflow.getHandle(execution.workflowId, execution.runId);
  const view: PushView = {
    pushId: memo.pushId ?? execution.typedSearchAttributes.get(searchAttributes.pushId) ?? '',
    kind: memo.kind ?? 'calendar',
    state: stateOf(execution),
    calendarId: memo.calendarId ?? null,
    schoolId: memo.schoolId ?? null,
    catalogId: memo.catalogId ?? null,
    courseIds: memo.courseIds ?? null,
    requestedBy: memo.requestedBy ?? null,
    items: memo.items ?? [],
    overwriteCategories: memo.overwriteCategories ?? false,
    retryOf: memo.retryOf ?? null,
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
      ...view,
      state: result.state,
      startedAt: result.startedAt,
      progress: result.progress,
      failures: result.failures,
      residual: result.residual,
      residualTotal: result.residualTotal,
    };
  }
  // A queued push has no worker yet, and a query would wait for one, so only a push that runs
  // (or ran until cancelled) is asked, and only for a few seconds.
  if ((status === 'RUNNING' && view.state === 'running') || status === 'CANCELLED') {
    try {
      view.progress = await withTimeout(handle.query(progressQuery), PROGRESS_QUERY_TIMEOUT_MS);
    } catch (error) {
      logger.warn({ pushId: view.pushId, err: error }, 'Progress query failed');
    }
    return view;
  }
  if (status === 'RUNNING') return view;
  try {
    await handle.result();
  } catch (error) {
    view.error = error instanceof Error ? rootMessage(error) : String(error);
  }
  return view;
}

const PROGRESS_QUERY_TIMEOUT_MS = 5_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function stateOf(execution: PushExecution): PushState {
  const state = execution.typedSearchAttributes.get(searchAttributes.state);
  switch (execution.status.name) {
    case 'RUNNING':
      return state === 'running' ? 'running' : 'queued';
    case 'COMPLETED':
      return state === 'completedWithErrors' ? 'completedWithErrors' : 'completed';
    case 'CANCELLED':
      return 'cancelled';
    default:
      return 'failed';
  }
}

/** Visibility query clause selecting pushes in one state. */
export function stateClause(state: PushState): string {
  const attribute = searchAttributes.state.name;
  switch (state) {
    case 'queued':
    case 'running':
      return `ExecutionStatus = 'Running' AND ${attribute} = ${quote(state)}`;
    case 'completed':
    case 'completedWithErrors':
      return `ExecutionStatus = 'Completed' AND ${attribute} = ${quote(state)}`;
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
