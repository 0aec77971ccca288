import { MongoClient, type Collection, type Db, type Document, type Filter } from 'mongodb';
import type {
  AssignmentDoc,
  CalendarDoc,
  CatalogDoc,
  CourseDoc,
  CourseMasterDoc,
  NotificationDoc,
  PersonDoc,
  PushRequestDoc,
  PushSummaryDoc,
  SchoolDoc,
  ScoreDoc,
  SectionDoc,
  WebhookDoc,
} from './types.js';

export interface Collections {
  schools: Collection<SchoolDoc>;
  calendars: Collection<CalendarDoc>;
  courses: Collection<CourseDoc>;
  sections: Collection<SectionDoc>;
  people: Collection<PersonDoc>;
  assignments: Collection<AssignmentDoc>;
  scores: Collection<ScoreDoc>;
  notifications: Collection<NotificationDoc>;
  webhooks: Collection<WebhookDoc>;
  catalogs: Collection<CatalogDoc>;
  courseMasters: Collection<CourseMasterDoc>;
  pushSummaries: Collection<PushSummaryDoc>;
  pushRequests: Collection<PushRequestDoc>;
}

export interface Database {
  client: MongoClient;
  db: Db;
  collections: Collections;
  close(): Promise<void>;
}

export function collectionsOf(db: Db): Collections {
  return {
    schools: db.collection<SchoolDoc>('schools'),
    calendars: db.collection<CalendarDoc>('calendars'),
    courses: db.collection<CourseDoc>('courses'),
    sections: db.collection<SectionDoc>('sections'),
    people: db.collection<PersonDoc>('people'),
    assignments: db.collection<AssignmentDoc>('assignments'),
    scores: db.collection<ScoreDoc>('scores'),
    notifications: db.collection<NotificationDoc>('notifications'),
    webhooks: db.collection<WebhookDoc>('webhooks'),
    catalogs: db.collection<CatalogDoc>('catalogs'),
    courseMasters: db.collection<CourseMasterDoc>('courseMasters'),
    pushSummaries: db.collection<PushSummaryDoc>('pushSummaries'),
    pushRequests: db.collection<PushRequestDoc>('pushRequests'),
  };
}

/** Connects to MongoDB (or FerretDB) and makes sure the indexes exist. */
export async function connectDatabase(uri: string, dbName: string): Promise<Database> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000 });
  await client.connect();
  const db = client.db(dbName);
  const collections = collectionsOf(db);
  await ensureIndexes(collections);
  return { client, db, collections, close: () => client.close() };
}

async function ensureIndexes(c: Collections): Promise<void> {
  await Promise.all([
    c.calendars.createIndex({ schoolId: 1 }),
    c.courses.createIndex({ calendarId: 1, _id: 1 }),
    c.courses.createIndex({ courseMasterId: 1 }),
    c.sections.createIndex({ courseId: 1, _id: 1 }),
    c.sections.createIndex({ calendarId: 1 }),
    c.sections.createIndex({ teacherIds: 1 }),
    c.assignments.createIndex({ sectionId: 1 }),
    c.scores.createIndex({ sectionId: 1 }),
    c.scores.createIndex({ assignmentId: 1 }),
    c.notifications.createIndex({ sub: 1, createdAt: -1 }),
    c.courseMasters.createIndex({ catalogId: 1, _id: 1 }),
    c.courses.createIndex({ courseMasterId: 1, calendarId: 1, _id: 1 }),
    c.pushSummaries.createIndex({ startedAt: -1 }),
    c.pushSummaries.createIndex({ calendarId: 1, startedAt: -1 }),
  ]);
}

/** Returns up to `limit` ids of the matching documents after `after`, in id order: one page. */
export async function listIdsAfter<T extends Document & { _id: string }>(
  collection: Collection<T>,
  filter: Filter<T>,
  after: string | null,
  limit: number,
): Promise<string[]> {
  const page = after === null ? filter : ({ $and: [filter, { _id: { $gt: after } }] } as Filter<T>);
  const documents = await collection
    .find(page, { projection: { _id: 1 } })
    .sort({ _id: 1 })
    .limit(limit)
    .toArray();
  return documents.map((document) => document._id as string);
}
