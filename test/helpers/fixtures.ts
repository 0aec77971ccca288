import { MongoClient } from 'mongodb';
import type { Collections } from '../../src/db/mongo.js';
import type { CourseDoc, SectionDoc } from '../../src/db/types.js';
import {
  EMPTY_SECTION_SETUP,
  ZERO_VERSIONS,
  type CourseCategory,
  type SectionCategory,
} from '../../src/domain/setup.js';

export const SCHOOL_ID = 'school-1';
export const CALENDAR_ID = 'calendar-1';

/** Inserts the school and calendar that fixture courses and sections belong to, if missing. */
export async function insertSchoolAndCalendar(collections: Collections): Promise<void> {
  const importedAt = new Date();
  await collections.schools.updateOne(
    { _id: SCHOOL_ID },
    {
      $setOnInsert: { name: 'Fixture School', identifier: null, districtId: null, importedAt },
    },
    { upsert: true },
  );
  await collections.calendars.updateOne(
    { _id: CALENDAR_ID },
    {
      $setOnInsert: {
        schoolId: SCHOOL_ID,
        schoolYear: '2024',
        title: '2024-25',
        terms: [
          {
            id: 'term-1',
            title: 'Year',
            type: 'term',
            startDate: '2024-08-01',
            endDate: '2025-06-30',
            parentId: null,
          },
        ],
        importedAt,
      },
    },
    { upsert: true },
  );
}

/** Inserts a course of the fixture calendar with the given categories at categories version 1. */
export async function insertCourse(
  collections: Collections,
  courseId: string,
  categories: CourseCategory[],
): Promise<CourseDoc> {
  const course: CourseDoc = {
    _id: courseId,
    calendarId: CALENDAR_ID,
    schoolId: SCHOOL_ID,
    title: `Course ${courseId}`,
    courseCode: null,
    courseMasterId: null,
    link: 'courseControlled',
    setup: { categories, gradeCalcOptions: [], composites: [], advisory: false },
    versions: { ...ZERO_VERSIONS, categories: 1 },
    changedAt: { categories: null, gradeCalcOptions: null, composites: null, advisory: null },
    importedAt: new Date(),
  };
  await collections.courses.insertOne(course);
  return course;
}

/** Inserts a section of the fixture calendar at version 1. */
export async function insertSection(
  collections: Collections,
  section: Pick<SectionDoc, '_id' | 'courseId' | 'teacherIds'> & {
    categories?: SectionCategory[];
    schoolId?: string;
  },
): Promise<SectionDoc> {
  const document: SectionDoc = {
    _id: section._id,
    courseId: section.courseId,
    calendarId: CALENDAR_ID,
    schoolId: section.schoolId ?? SCHOOL_ID,
    title: `Section ${section._id}`,
    classCode: null,
    teacherIds: section.teacherIds,
    termIds: ['term-1'],
    setup: { ...EMPTY_SECTION_SETUP, categories: section.categories ?? [] },
    received: {},
    lastPush: null,
    version: 1,
    importedAt: new Date(),
  };
  await collections.sections.insertOne(document);
  return document;
}

/** Builds an unlocked teacher category. */
export function teacherCategory(id: string, name: string, sequence: number): SectionCategory {
  return { id, name, weight: 1, sequence, locked: false, courseCategoryId: null };
}

/** Builds the locked section copy of a course category, as a push leaves it. */
export function lockedCategory(category: CourseCategory): SectionCategory {
  return { ...category, id: `course:${category.id}`, locked: true, courseCategoryId: category.id };
}

/**
 * Returns whether the server at `uri` is FerretDB, whose `buildInfo` reply has a
 * `ferretdbVersion` field that MongoDB's lacks.
 */
export async function isFerretDb(uri: string): Promise<boolean> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000 });
  try {
    await client.connect();
    const info = await client.db().admin().command({ buildInfo: 1 });
    return 'ferretdbVersion' in info;
  } finally {
    await client.close();
  }
}
