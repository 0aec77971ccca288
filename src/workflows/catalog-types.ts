import type { MasterControl } from '../domain/master-rules.js';
import type { MasterPushMode } from '../domain/master-push.js';
import type { PushItem } from '../domain/setup.js';
import type {
  CourseFailure,
  PushProgress,
  Requester,
  ResidualCategory,
  SectionResidual,
} from './types.js';

/** Options of a catalog push that each course master's child run receives unchanged. */
export interface MasterPushOptionsInput {
  /** Calendars whose courses the push reaches; courses of other calendars are left alone. */
  calendarIds: string[];
  mode: MasterPushMode;
  items: PushItem[];
  /** Continue each course the push changed with a push of the pushed items to its sections. */
  pushToSections: boolean;
}

export interface CatalogPushTuning {
  /** Course masters fetched per page. */
  pageSize: number;
  /** Course master child runs at once. */
  maxConcurrentMasters: number;
  /** Courses each master's run writes (and pushes to sections) at once. */
  maxConcurrentCourses: number;
  /** Continue as new once the history has this many events (Temporal also suggests it). */
  continueAsNewAfterEvents: number;
}

export const DEFAULT_CATALOG_TUNING: CatalogPushTuning = {
  pageSize: 100,
  maxConcurrentMasters: 5,
  maxConcurrentCourses: 10,
  continueAsNewAfterEvents: 10_000,
};

/** Counts and lists a catalog push, or one master's run of it, carries across continue-as-new. */
export interface MasterPushCarry {
  cursor: string | null;
  progress: PushProgress;
  failures: CourseFailure[];
  residual: SectionResidual[];
  residualTotal: number;
  startedAt: string;
}

export interface CatalogPushInput extends MasterPushOptionsInput {
  pushId: string;
  catalogId: string;
  requestedBy: Requester;
  tuning?: Partial<CatalogPushTuning>;
  /** State carried into the next run after continue-as-new. */
  carry?: MasterPushCarry;
}

/** Input of the child run that pushes one course master to its courses. */
export interface MasterPushInput extends MasterPushOptionsInput {
  pushId: string;
  catalogId: string;
  masterId: string;
  requestedBy: Requester;
  tuning: CatalogPushTuning;
  /** The master as the first run loaded it, so every course gets the same content. */
  master?: MasterControl;
  carry?: MasterPushCarry;
}

export interface MasterPushResult {
  masterId: string;
  progress: PushProgress;
  failures: CourseFailure[];
  residual: SectionResidual[];
  residualTotal: number;
}

/** Outcome of pushing a master to one course. */
export interface CourseMasterPushOutcome {
  courseId: string;
  /** `skipped`: the course became course controlled after the push listed it. */
  outcome: 'updated' | 'unchanged' | 'skipped';
  /** Items the master's content was pushed for. */
  pushedItems: PushItem[];
  /** Pushed items whose content changed on the course. */
  changedItems: PushItem[];
  /** Per section, the course categories kept because that section's copy has assignments. */
  residual: { sectionId: string; categories: ResidualCategory[] }[];
}
