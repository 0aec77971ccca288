import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery } from '@temporalio/workflow';
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

/** Query a running push answers with its counts so far. */
export const progressQuery = defineQuery<PushProgress>('progress');

/** Workflow type names, for clients that start workflows without loading workflow code. */
export const workflowTypes = {
  calendarPush: 'calendarPush',
  courseSectionsPush: 'courseSectionsPush',
  coursePush: 'coursePush',
  catalogPush: 'catalogPush',
  masterPush: 'masterPush',
} as const;
