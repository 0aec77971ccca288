import type { PushItem } from '../domain/setup.js';

export type PushKind = 'calendar' | 'course' | 'catalog';

/** States a push moves through, as the batch queue shows them. */
export const PUSH_STATES = [
  'queued',
  'running',
  'completed',
  'completedWithErrors',
  'cancelled',
  'failed',
] as const;
export type PushState = (typeof PUSH_STATES)[number];

export interface Requester {
  sub: string;
  role: string;
  name?: string;
}

export interface PushOptionsInput {
  items: PushItem[];
  overwriteCategories: boolean;
}

export interface PushProgress {
  coursesTotal: number;
  coursesDone: number;
  coursesFailed: number;
  sectionsUpdated: number;
  sectionsUnchanged: number;
  sectionsFailed: number;
  /** Page of courses being pushed, counted from 1; 0 before the first page. */
  currentPage: number;
  /** Courses whose setup a catalog push changed; only catalog pushes set it. */
  coursesUpdated?: number;
}

export interface CourseFailure {
  /** The failed course; empty when a catalog push failed a whole course master (see masterId). */
  courseId: string;
  /** The course master a catalog push was pushing; absent in calendar and course pushes. */
  masterId?: string;
  /** Failure type, such as CourseNotFound, or the error's class name. */
  type: string;
  message: string;
}

export interface ResidualCategory {
  categoryId: string;
  name: string;
  assignmentCount: number;
  /**
   * `removedFromMaster`: a catalog push kept the course category, which the master lacks, because
   * this section's copy of it has assignments.
   */
  reason: 'teacherCategory' | 'removedFromCourse' | 'removedFromMaster';
}

export interface SectionResidual {
  courseId: string;
  sectionId: string;
  categories: ResidualCategory[];
}

export interface SectionFailure {
  sectionId: string;
  type: string;
  message: string;
}

export interface CoursePushInput extends PushOptionsInput {
  pushId: string;
  courseId: string;
  requestedBy: Requester;
}

export interface CoursePushResult {
  courseId: string;
  sectionsTotal: number;
  sectionsUpdated: number;
  sectionsUnchanged: number;
  sectionsFailed: SectionFailure[];
  residual: SectionResidual[];
}

export interface CalendarPushTuning {
  /** Courses fetched per page. */
  pageSize: number;
  /** Course pushes running at once. */
  maxConcurrentCourses: number;
  /** Continue as new once the history has this many events (Temporal also suggests it). */
  continueAsNewAfterEvents: number;
}

export const DEFAULT_CALENDAR_TUNING: CalendarPushTuning = {
  pageSize: 100,
  maxConcurrentCourses: 10,
  continueAsNewAfterEvents: 10_000,
};

/** Maximum residual entries a push result lists; the sections themselves record the rest. */
export const MAX_LISTED_RESIDUAL = 500;

export interface CalendarPushCarry {
  cursor: string | null;
  progress: PushProgress;
  failures: CourseFailure[];
  residual: SectionResidual[];
  residualTotal: number;
  startedAt: string;
}

export interface CalendarPushInput extends PushOptionsInput {
  pushId: string;
  calendarId: string;
  schoolId: string;
  requestedBy: Requester;
  /** Push only these courses (a retry of failed courses); all of the calendar's when absent. */
  courseIds?: string[];
  /** The push this one retries, for the failed courses of that push. */
  retryOf?: string;
  tuning?: Partial<CalendarPushTuning>;
  /** State carried into the next run after continue-as-new. */
  carry?: CalendarPushCarry;
}

export interface PushResult {
  pushId: string;
  kind: PushKind;
  state: Exclude<PushState, 'queued' | 'running' | 'failed'>;
  progress: PushProgress;
  failures: CourseFailure[];
  residual: SectionResidual[];
  residualTotal: number;
  startedAt: string;
  endedAt: string;
}

export interface CourseSnapshotResult {
  courseId: string;
  calendarId: string;
  schoolId: string;
}

/** Summary of an ended push as the recordPushSummary activity receives it. */
export interface PushSummaryInput extends Omit<PushResult, 'state'> {
  state: Exclude<PushState, 'queued' | 'running'>;
  calendarId: string | null;
  schoolId: string | null;
  catalogId: string | null;
  courseIds: string[] | null;
  requestedBy: Requester;
  items: PushItem[];
  overwriteCategories: boolean;
  retryOf: string | null;
  workflowId: string;
  runId: string;
}
