import type { Collections } from '../../src/db/mongo.js';
import { ZERO_VERSIONS } from '../../src/domain/setup.js';
import {
  CALENDAR_ID,
  insertCourse,
  insertSchoolAndCalendar,
  insertSection,
  teacherCategory,
} from './fixtures.js';

export interface ReplayDistrict {
  calendarId: string;
  courseIds: string[];
  catalogId: string;
}

/**
 * Seeds a small district whose pushes take every branch the recorded histories should cover:
 * two courses with two sections each, a teacher category that clashes by name, and a catalog
 * with one master linked to the first course.
 */
export async function seedReplayDistrict(collections: Collections): Promise<ReplayDistrict> {
  await insertSchoolAndCalendar(collections);
  const categories = [
    { id: 'tests', name: 'Tests', weight: 2, sequence: 1 },
    { id: 'homework', name: 'Homework', weight: 1, sequence: 2 },
  ];
  const courseIds = ['replay-course-a', 'replay-course-b'];
  for (const courseId of courseIds) {
    await insertCourse(collections, courseId, categories);
    await insertSection(collections, {
      _id: `${courseId}-1`,
      courseId,
      teacherIds: ['teacher-1'],
      categories: [teacherCategory('own-homework', 'Homework', 1)],
    });
    await insertSection(collections, { _id: `${courseId}-2`, courseId, teacherIds: ['teacher-2'] });
  }

  const now = new Date();
  await collections.catalogs.insertOne({
    _id: 'replay-catalog',
    name: 'Replay catalog',
    districtId: null,
    createdAt: now,
  });
  await collections.courseMasters.insertOne({
    _id: 'replay-master',
    catalogId: 'replay-catalog',
    title: 'Replay master',
    setup: {
      categories: [{ id: 'tests', name: 'Tests', weight: 3, sequence: 1 }],
      gradeCalcOptions: [],
      composites: [],
      advisory: true,
    },
    versions: { ...ZERO_VERSIONS, categories: 1, advisory: 1 },
    locks: { categories: true, gradeCalcOptions: false, composites: false, advisory: true },
    changedAt: { categories: now, gradeCalcOptions: null, composites: null, advisory: now },
    createdAt: now,
  });
  await collections.courses.updateOne(
    { _id: courseIds[0] },
    { $set: { courseMasterId: 'replay-master', link: 'linked' } },
  );
  return { calendarId: CALENDAR_ID, courseIds, catalogId: 'replay-catalog' };
}
