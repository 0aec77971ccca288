import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { NotificationsStats, PushEndedNotice } from './notification-types.js';
import type { PushProgress } from './types.js';

/**
 * Custom search attributes that every push sets. The batch queue list and the Temporal Web UI
 * filter on them, so the server must have them registered (see src/services/temporal.ts).
 */
export const searchAttributes = {
  pushId: defineSearchAttributeKey('PushId', SearchAttributeType.KEYWORD),
  kind: defineSearchAttributeKey('PushKind', SearchAttributeType.KEYWORD),
  state: defineSearchAttributeKey('PushState', SearchAttributeType.KEYWORD),
  calendarId: defineSearchAttributeKey('CalendarId', SearchAttributeType.KEYWORD),
  schoolId: defineSearchAttributeKey('SchoolId', SearchAttributeType.KEYWORD),
  courseId: defineSearchAttributeKey('CourseId', SearchAttributeType.KEYWORD),
  catalogId: defineSearchAttributeKey('CatalogId', SearchAttributeType.KEYWORD),
  requestedBy: defineSearchAttributeKey('RequestedBy', SearchAttributeType.KEYWORD),
} as const;

/** Name and server type of each custom search attribute, for registering them. */
export const searchAttributeRegistrations = Object.values(searchAttributes).map((key) => ({
  name: key.name,
  type: 'Keyword' as const,
}));

/** Query that returns a running push's counts so far. */
export const progressQuery = defineQuery<PushProgress>('progress');

/** Workflow type names, for clients that start workflows without loading workflow code. */
export const workflowTypes = {
  calendarPush: 'calendarPush',
  courseSectionsPush: 'courseSectionsPush',
  coursePush: 'coursePush',
  catalogPush: 'catalogPush',
  masterPush: 'masterPush',
  notifications: 'notifications',
} as const;

/** Signal a push sends to its requester's notification workflow when it ends. */
export const pushEndedSignal = defineSignal<[PushEndedNotice]>('pushEnded');

/** Query that returns the counts of a notification workflow's current run. */
export const notificationsStatsQuery = defineQuery<NotificationsStats>('notificationsStats');

/**
 * Workflow id of a user's notification workflow: one per token subject. `prefix` is the
 * deployment's workflow id prefix (see workflowIdPrefix in src/config.ts).
 */
export function notificationsWorkflowId(sub: string, prefix: string): string {
  return `${prefix}notifications-${sub}`;
}
