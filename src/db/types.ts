import type { GradingSetup, ItemVersions, PushItem, SectionSetup } from '../domain/setup.js';
import type {
  CourseFailure,
  PushKind,
  PushProgress,
  PushState,
  Requester,
  SectionResidual,
} from '../workflows/types.js';
import type { PushEndedNotice } from '../workflows/notification-types.js';

/** Ids are OneRoster sourcedIds, so they match the source system across re-imports. */
export interface SchoolDoc {
  _id: string;
  name: string;
  identifier: string | null;
  districtId: string | null;
  importedAt: Date;
}

export interface TermDoc {
  id: string;
  title: string;
  type: 'term' | 'gradingPeriod' | 'semester';
  startDate: string | null;
  endDate: string | null;
  parentId: string | null;
}

/** One school's school year. */
export interface CalendarDoc {
  _id: string;
  schoolId: string;
  schoolYear: string;
  title: string;
  terms: TermDoc[];
  importedAt: Date;
}

export type CourseLink = 'linked' | 'courseControlled' | 'desynced';

export interface CourseDoc {
  _id: string;
  calendarId: string;
  schoolId: string;
  title: string;
  courseCode: string | null;
  courseMasterId: string | null;
  link: CourseLink;
  setup: GradingSetup;
  /** A version per item that increases whenever that item's content changes. */
  versions: ItemVersions;
  /** When each item last changed; null where it never has. */
  changedAt: Record<PushItem, Date | null>;
  importedAt: Date;
  /** The last course master push that processed this course, so a retried write reports it. */
  lastMasterPush?: CourseMasterPushRecord | null;
}

export interface CourseMasterPushRecord {
  pushId: string;
  masterId: string;
  changedItems: PushItem[];
  at: Date;
}

/** Record of the push that last reached a section for one item. */
export interface ReceivedItem {
  version: number;
  pushId: string;
  at: Date;
}

export interface SectionPushRecord {
  pushId: string;
  outcome: 'updated' | 'unchanged';
  residualCategoryIds: string[];
  at: Date;
}

export interface SectionDoc {
  _id: string;
  courseId: string;
  calendarId: string;
  schoolId: string;
  title: string;
  classCode: string | null;
  teacherIds: string[];
  termIds: string[];
  setup: SectionSetup;
  /** Per item, the course version and push that last reached this section. */
  received: Partial<Record<PushItem, ReceivedItem>>;
  /** The last push that processed this section, so a retried write reports the same outcome. */
  lastPush: SectionPushRecord | null;
  /** Document version for optimistic concurrency: every write increments it. */
  version: number;
  importedAt: Date;
}

export interface PersonDoc {
  _id: string;
  role: string;
  givenName: string;
  familyName: string;
  email: string | null;
  username: string | null;
  orgIds: string[];
  importedAt: Date;
}

/** A gradebook assignment (OneRoster lineItem). */
export interface AssignmentDoc {
  _id: string;
  sectionId: string;
  categoryId: string | null;
  title: string;
  dueDate: string | null;
  termId: string | null;
  possiblePoints: number;
  importedAt: Date;
}

/** A student's score on one assignment (OneRoster result). */
export interface ScoreDoc {
  _id: string;
  assignmentId: string;
  sectionId: string;
  studentId: string;
  score: number | null;
  status: string;
  exempt: boolean;
  comment: string | null;
  importedAt: Date;
}

/** Summary of an ended push, kept so the batch queue outlives Temporal's retention. */
export interface PushSummaryDoc {
  /** The push id. */
  _id: string;
  kind: PushKind;
  state: PushState;
  calendarId: string | null;
  schoolId: string | null;
  catalogId: string | null;
  /** The courses a push was limited to (a course push or a retry); null for all. */
  courseIds: string[] | null;
  requestedBy: Requester;
  items: PushItem[];
  overwriteCategories: boolean;
  progress: PushProgress;
  failures: CourseFailure[];
  residual: SectionResidual[];
  residualTotal: number;
  retryOf: string | null;
  startedAt: Date;
  endedAt: Date;
  workflowId: string;
  runId: string;
}

/** Maps a client's Idempotency-Key to the push its first request started. */
export interface PushRequestDoc {
  /** `<requester sub>:<key>`. */
  _id: string;
  /** Hash of the request's scope and body; the same key with another request is rejected. */
  fingerprint: string;
  state: 'starting' | 'started';
  /** Set once the push has started. */
  pushId: string | null;
  workflowId: string | null;
  runId: string | null;
  createdAt: Date;
}

/** A district's course catalog: the course masters that courses of its schools align to. */
export interface CatalogDoc {
  _id: string;
  name: string;
  districtId: string | null;
  createdAt: Date;
}

/** A course master: a district-level grading setup that aligned courses follow. */
export interface CourseMasterDoc {
  _id: string;
  catalogId: string;
  title: string;
  setup: GradingSetup;
  /** A version per item that increases whenever that item's content changes. */
  versions: ItemVersions;
  /** Per item, whether aligned courses must take the master's content and cannot edit it. */
  locks: Record<PushItem, boolean>;
  /** When each item last changed; null where it never has. */
  changedAt: Record<PushItem, Date | null>;
  createdAt: Date;
}

/** State of a notification's webhook delivery. */
export interface WebhookDelivery {
  /** "pending" until an attempt succeeds or the retries end. */
  state: 'pending' | 'delivered' | 'failed';
  attempts: number;
  /** HTTP status of the last answer; null before any answer or after a network error. */
  lastStatus: number | null;
  lastError: string | null;
  at: Date;
}

type NoticeFields = Omit<PushEndedNotice, 'requestedBy' | 'startedAt' | 'endedAt'>;

/** One inbox entry: a push that ended, stored once per requester and push. */
export interface NotificationDoc extends NoticeFields {
  /** `<sub>:<pushId>`, which makes a repeated notice find the existing entry. */
  _id: string;
  sub: string;
  type: 'push.ended';
  startedAt: Date;
  endedAt: Date;
  createdAt: Date;
  readAt: Date | null;
  /** Null when the user had no webhook when the entry was stored. */
  delivery: WebhookDelivery | null;
}

/** A user's webhook, keyed by token subject. */
export interface WebhookDoc {
  /** The user's token subject. */
  _id: string;
  url: string;
  /** HMAC-SHA256 key for signing deliveries; stored in clear because signing needs it. */
  secret: string;
  createdAt: Date;
  updatedAt: Date;
}
