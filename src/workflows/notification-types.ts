import type { PushKind, PushProgress, PushState, Requester } from './types.js';

/** A state in which a push has ended. */
export type PushEndState = Exclude<PushState, 'queued' | 'running'>;

/** What a push covered: a calendar (with its school) or a catalog, and any listed courses. */
export interface PushScope {
  /** Null for a catalog push, which may span calendars. */
  calendarId: string | null;
  schoolId: string | null;
  /** Set for a catalog push only. */
  catalogId?: string | null;
  /** The listed courses of a course push or a retry; null for every course of the calendar. */
  courseIds: string[] | null;
}

/** The signal a push sends to its requester's notification workflow when it ends. */
export interface PushEndedNotice {
  pushId: string;
  kind: PushKind;
  state: PushEndState;
  requestedBy: Requester;
  scope: PushScope;
  progress: PushProgress;
  /** Entries in the push's failure list (failed courses and failed sections). */
  failuresCount: number;
  /** Message of the error that failed the push; null unless the state is "failed". */
  error: string | null;
  /** ISO 8601 timestamps. */
  startedAt: string;
  endedAt: string;
}

export interface NotificationsTuning {
  /** Notices handled by one run before it continues as new (Temporal may suggest it sooner). */
  continueAsNewAfterNotices: number;
  /** Push ids a run remembers, and carries into the next run, to ignore a repeated notice. */
  rememberedPushIds: number;
}

export const DEFAULT_NOTIFICATIONS_TUNING: NotificationsTuning = {
  continueAsNewAfterNotices: 500,
  rememberedPushIds: 1000,
};

export interface NotificationsInput {
  /** Token subject of the user whose notifications this workflow handles. */
  sub: string;
  tuning?: Partial<NotificationsTuning>;
  /** Push ids handled by earlier runs, carried across continue-as-new. */
  recentPushIds?: string[];
  /** Notices received but not handled before continue-as-new. */
  pending?: PushEndedNotice[];
}

/** Counts of the current run of a notification workflow, returned by its stats query. */
export interface NotificationsStats {
  received: number;
  /** Notices whose push id this run already handled, so no activity ran for them. */
  ignoredRepeats: number;
  /** Notices that created an inbox entry. */
  stored: number;
  /** Notices whose inbox entry already existed in the database. */
  alreadyStored: number;
  deliveriesInFlight: number;
}

/** The result of storing a notice in the inbox. */
export interface StoredNotification {
  notificationId: string;
  /** False when the entry already existed. */
  inserted: boolean;
  /** True while a webhook delivery of the entry is still pending. */
  deliver: boolean;
}
