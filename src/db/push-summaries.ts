import type { Filter } from 'mongodb';
import type { Collections } from './mongo.js';
import type { PushSummaryDoc } from './types.js';

/** Stores the summary of an ended push; repeating it with the same push id changes nothing new. */
export async function recordPushSummary(
  collections: Collections,
  summary: PushSummaryDoc,
): Promise<void> {
  await collections.pushSummaries.replaceOne({ _id: summary._id }, summary, { upsert: true });
}

export interface PushSummaryFilter {
  calendarId?: string;
  schoolId?: string;
  schoolIds?: string[];
  courseId?: string;
  catalogId?: string;
  kind?: string;
  requestedBy?: string;
  state?: string;
  startedAfter?: Date;
  startedBefore?: Date;
}

export async function findPushSummaries(
  collections: Collections,
  filter: PushSummaryFilter,
  limit: number,
): Promise<PushSummaryDoc[]> {
  const query: Filter<PushSummaryDoc> = {};
  if (filter.calendarId) query.calendarId = filter.calendarId;
  if (filter.schoolId) query.schoolId = filter.schoolId;
  if (filter.schoolIds)
    query.schoolId = {
      $in: filter.schoolIds,
      ...(filter.schoolId ? { $eq: filter.schoolId } : {}),
    };
  if (filter.courseId) query.courseIds = filter.courseId;
  if (filter.catalogId) query.catalogId = filter.catalogId;
  if (filter.kind) query.kind = filter.kind as PushSummaryDoc['kind'];
  if (filter.requestedBy) query['requestedBy.sub'] = filter.requestedBy;
  if (filter.state) query.state = filter.state as PushSummaryDoc['state'];
  if (filter.startedAfter || filter.startedBefore) {
    query.startedAt = {
      ...(filter.startedAfter ? { $gte: filter.startedAfter } : {}),
      ...(filter.startedBefore ? { $lt: filter.startedBefore } : {}),
    };
  }
  return collections.pushSummaries
    .find(query)
    .sort({ startedAt: -1, _id: -1 })
    .limit(limit)
    .toArray();
}
