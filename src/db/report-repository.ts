import type { Filter } from 'mongodb';
import type { Collections } from './mongo.js';
import type { CourseDoc, CourseLink, CourseMasterDoc } from './types.js';
import {
  findSectionsBehind,
  type ItemBehind,
  type ReceivedVersions,
} from '../domain/awaiting-push.js';
import { differingItems } from '../domain/master-rules.js';
import type { PushItem } from '../domain/setup.js';

export interface AwaitingPushCourse {
  courseId: string;
  title: string;
  courseCode: string | null;
  schoolId: string;
  /** When the course's setup last changed: the latest change of any item. */
  changedAt: Date | null;
  sectionsTotal: number;
  /** Sections behind the course on at least one item. */
  sectionsBehind: number;
  items: (ItemBehind & { changedAt: Date | null })[];
}

/**
 * Lists the courses of a calendar that have at least one section behind the course on some item,
 * in course id order. Computed from the versions the course and its sections record.
 */
export async function findCoursesAwaitingPush(
  collections: Collections,
  calendarId: string,
): Promise<AwaitingPushCourse[]> {
  const receivedByCourse = new Map<string, ReceivedVersions[]>();
  const sections = collections.sections.find(
    { calendarId },
    { projection: { courseId: 1, received: 1 } },
  );
  for await (const section of sections) {
    const list = receivedByCourse.get(section.courseId) ?? [];
    list.push(section.received);
    receivedByCourse.set(section.courseId, list);
  }

  const courses = await collections.courses
    .find(
      { calendarId },
      { projection: { title: 1, courseCode: 1, schoolId: 1, versions: 1, changedAt: 1 } },
    )
    .sort({ _id: 1 })
    .toArray();
  const awaiting: AwaitingPushCourse[] = [];
  for (const course of courses) {
    const received = receivedByCourse.get(course._id) ?? [];
    const { items, sectionsBehind } = findSectionsBehind(course.versions, received);
    if (items.length === 0) continue;

    awaiting.push({
      courseId: course._id,
      title: course.title,
      courseCode: course.courseCode,
      schoolId: course.schoolId,
      changedAt: latest(Object.values(course.changedAt)),
      sectionsTotal: received.length,
      sectionsBehind,
      items: items.map((entry) => ({ ...entry, changedAt: course.changedAt[entry.item] })),
    });
  }
  return awaiting;
}

export interface CourseStatusEntry {
  courseId: string;
  title: string;
  calendarId: string;
  schoolId: string;
  /** Items whose content on the course differs from the master's. */
  differingItems: PushItem[];
}

export interface CourseStatusReport {
  courseMasterId: string;
  counts: Record<CourseLink | 'total', number>;
  courses: Record<CourseLink, CourseStatusEntry[]>;
}

/**
 * Groups the courses aligned to a master by link, limited to `schoolIds` unless that is null.
 * Computed from the courses' link fields and setups at call time.
 */
export async function findCourseStatus(
  collections: Collections,
  master: CourseMasterDoc,
  schoolIds: string[] | null,
): Promise<CourseStatusReport> {
  const filter: Filter<CourseDoc> = { courseMasterId: master._id };
  if (schoolIds !== null) filter.schoolId = { $in: schoolIds };
  const courses = await collections.courses
    .find(filter, {
      projection: { title: 1, calendarId: 1, schoolId: 1, link: 1, setup: 1 },
    })
    .sort({ _id: 1 })
    .toArray();

  const groups: Record<CourseLink, CourseStatusEntry[]> = {
    linked: [],
    courseControlled: [],
    desynced: [],
  };
  for (const course of courses) {
    groups[course.link].push({
      courseId: course._id,
      title: course.title,
      calendarId: course.calendarId,
      schoolId: course.schoolId,
      differingItems: differingItems(course.setup, master.setup),
    });
  }
  return {
    courseMasterId: master._id,
    counts: {
      linked: groups.linked.length,
      courseControlled: groups.courseControlled.length,
      desynced: groups.desynced.length,
      total: courses.length,
    },
    courses: groups,
  };
}

function latest(dates: (Date | null)[]): Date | null {
  let result: Date | null = null;
  for (const date of dates) {
    if (date !== null && (result === null || date > result)) result = date;
  }
  return result;
}
