import { isDeepStrictEqual } from 'node:util';
import type { AnyBulkWriteOperation, Collection, Document } from 'mongodb';
import type { Collections } from '../db/mongo.js';
import type { Logger } from '../logger.js';
import type { BundleDocuments } from './map.js';
import { IMPORT_KINDS, type ImportKind } from './report.js';

type DocumentOf<K extends ImportKind> = BundleDocuments[K][number];

/**
 * Fields that the import owns and keeps equal to the bundle. Every other field (grading setup,
 * item versions, push records, course links, importedAt) is written only when the document is
 * inserted, so a re-import never overwrites what pushes and administrators changed.
 */
export const ROSTER_FIELDS = {
  schools: ['name', 'identifier', 'districtId'],
  people: ['role', 'givenName', 'familyName', 'email', 'username', 'orgIds'],
  calendars: ['schoolId', 'schoolYear', 'title', 'terms'],
  courses: ['calendarId', 'schoolId', 'title', 'courseCode'],
  sections: ['courseId', 'calendarId', 'schoolId', 'title', 'classCode', 'teacherIds', 'termIds'],
  assignments: ['sectionId', 'categoryId', 'title', 'dueDate', 'termId', 'possiblePoints'],
  scores: ['assignmentId', 'sectionId', 'studentId', 'score', 'status', 'exempt', 'comment'],
} as const satisfies { [K in ImportKind]: readonly (keyof DocumentOf<K>)[] };

export interface WriteCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

type StoredDocument = { _id: string } & Document;

/** Number of ids per `$in` query when reading the stored documents. */
const ID_BATCH_SIZE = 500;

async function readStored(
  collection: Collection<StoredDocument>,
  ids: readonly string[],
  fields: readonly string[],
): Promise<Map<string, StoredDocument>> {
  const projection = Object.fromEntries(fields.map((field) => [field, 1]));
  const stored = new Map<string, StoredDocument>();
  for (let start = 0; start < ids.length; start += ID_BATCH_SIZE) {
    const batch = ids.slice(start, start + ID_BATCH_SIZE);
    for await (const document of collection.find({ _id: { $in: batch } }, { projection })) {
      stored.set(document._id, document);
    }
  }
  return stored;
}

/**
 * Brings one collection in line with the bundle's documents and returns what changed. Documents
 * that are new are upserted (roster fields with `$set`, the rest with `$setOnInsert`), documents
 * whose roster fields differ get a `$set` of those fields, and equal ones are not written at all.
 * A section update also increments its `version`, the optimistic concurrency counter of pushes.
 */
async function syncCollection(
  collection: Collection<StoredDocument>,
  documents: readonly StoredDocument[],
  rosterFields: readonly string[],
  incrementVersion: boolean,
): Promise<WriteCounts> {
  const counts: WriteCounts = { inserted: 0, updated: 0, unchanged: 0 };
  if (documents.length === 0) {
    return counts;
  }
  const stored = await readStored(
    collection,
    documents.map((document) => document._id),
    rosterFields,
  );

  const operations: AnyBulkWriteOperation<StoredDocument>[] = [];
  for (const document of documents) {
    const roster = Object.fromEntries(rosterFields.map((field) => [field, document[field]]));
    const current = stored.get(document._id);
    if (current === undefined) {
      const insertOnly = Object.fromEntries(
        Object.entries(document).filter(
          ([field]) => field !== '_id' && !rosterFields.includes(field),
        ),
      );
      operations.push({
        updateOne: {
          filter: { _id: document._id },
          update: { $set: roster, $setOnInsert: insertOnly },
          upsert: true,
        },
      });
      counts.inserted += 1;
    } else if (rosterFields.every((field) => isDeepStrictEqual(current[field], document[field]))) {
      counts.unchanged += 1;
    } else {
      operations.push({
        updateOne: {
          filter: { _id: document._id },
          update: incrementVersion ? { $set: roster, $inc: { version: 1 } } : { $set: roster },
        },
      });
      counts.updated += 1;
    }
  }
  if (operations.length > 0) {
    await collection.bulkWrite(operations, { ordered: false });
  }
  return counts;
}

/**
 * Writes a validated bundle collection by collection, referenced collections first. There is no
 * multi-document transaction, so a failure leaves earlier collections written, and the error
 * names them. Running the import again completes it because every write is an idempotent upsert.
 */
export async function writeDocuments(
  collections: Collections,
  documents: BundleDocuments,
  logger: Logger,
): Promise<Record<ImportKind, WriteCounts>> {
  const written = {} as Record<ImportKind, WriteCounts>;
  const done: ImportKind[] = [];
  for (const kind of IMPORT_KINDS) {
    const collection = collections[kind] as unknown as Collection<StoredDocument>;
    const kindDocuments = documents[kind] as unknown as StoredDocument[];
    try {
      written[kind] = await syncCollection(
        collection,
        kindDocuments,
        ROSTER_FIELDS[kind],
        kind === 'sections',
      );
    } catch (error) {
      const before = done.length === 0 ? 'nothing' : done.join(', ');
      throw new Error(
        `writing ${kind} failed after ${before} had been written; run the import again to complete it`,
        { cause: error },
      );
    }
    done.push(kind);
    logger.info({ collection: kind, ...written[kind] }, 'import wrote collection');
  }
  return written;
}
