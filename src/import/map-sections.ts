import type { CalendarDoc, CourseDoc, PersonDoc, SectionDoc } from '../db/types.js';
import { EMPTY_SECTION_SETUP, EMPTY_SETUP, PUSH_ITEMS, ZERO_VERSIONS } from '../domain/setup.js';
import type { CalendarIndex, SessionResult } from './map-calendars.js';
import type { OrgResult, PeopleResult } from './map-roster.js';
import {
  identifiedRows,
  orNull,
  quoteList,
  type IssueLog,
  type OpenedTable,
  type SourceIndex,
} from './rows.js';

export const COURSE_COLUMNS = ['sourcedId', 'title', 'orgSourcedId'] as const;
export const CLASS_COLUMNS = ['sourcedId', 'title', 'courseSourcedId', 'schoolSourcedId'] as const;
export const ENROLLMENT_COLUMNS = ['sourcedId', 'classSourcedId', 'userSourcedId', 'role'] as const;

/** The course, school and terms of one class, read before validation to place courses in calendars. */
export interface ClassUse {
  courseId: string;
  schoolId: string;
  termIds: string[];
}

export interface RosterContext {
  orgs: OrgResult;
  sessions: SessionResult;
  calendars: CalendarIndex;
}

export interface CourseResult {
  courses: Map<string, CourseDoc>;
  index: SourceIndex;
}

function resolveCourseSchool(
  orgId: string,
  classUses: readonly ClassUse[],
  context: RosterContext,
): { schoolId: string } | { problem: string } {
  const org = orgId === '' ? undefined : context.orgs.orgs.get(orgId);
  if (orgId !== '' && org === undefined) {
    return { problem: context.orgs.index.describeMissing('org', orgId) };
  }
  if (org?.type === 'school') {
    return { schoolId: org.id };
  }
  const classSchools = new Set(
    classUses.map((use) => use.schoolId).filter((id) => context.orgs.schools.has(id)),
  );
  const [onlySchool] = classSchools;
  if (classSchools.size === 1 && onlySchool !== undefined) {
    return { schoolId: onlySchool };
  }
  const subject =
    org === undefined ? 'orgSourcedId is empty' : `org "${org.id}" is a ${org.type}, not a school,`;
  const found =
    classSchools.size === 0 ? 'no school' : `several schools (${quoteList(classSchools)})`;
  return { problem: `${subject} and the course's classes name ${found}` };
}

function resolveCourseCalendar(
  schoolId: string,
  yearReference: string,
  yearText: string,
  classUses: readonly ClassUse[],
  context: RosterContext,
): { calendar: CalendarDoc } | { problem: string } {
  const { sessions, calendars } = context;
  const sessionId = yearReference || (sessions.sessions.has(yearText) ? yearText : '');
  if (sessionId !== '') {
    const session = sessions.sessions.get(sessionId);
    if (session === undefined) {
      return { problem: sessions.index.describeMissing('school year', sessionId) };
    }
    const calendar =
      calendars.calendarOf(schoolId, sessionId) ??
      calendars.calendarForYear(schoolId, session.schoolYear);
    return calendar === undefined
      ? { problem: `school year "${sessionId}" is not a session of school "${schoolId}"` }
      : { calendar };
  }
  if (yearText !== '') {
    const calendar = calendars.calendarForYear(schoolId, yearText);
    return calendar === undefined
      ? { problem: `school "${schoolId}" has no calendar for school year "${yearText}"` }
      : { calendar };
  }

  const fromClasses = new Map<string, CalendarDoc>();
  for (const use of classUses) {
    for (const termId of use.termIds) {
      const calendar = calendars.calendarOf(schoolId, termId);
      if (calendar !== undefined) {
        fromClasses.set(calendar._id, calendar);
      }
    }
  }
  const [onlyCalendar] = fromClasses.values();
  if (fromClasses.size === 1 && onlyCalendar !== undefined) {
    return { calendar: onlyCalendar };
  }
  if (fromClasses.size > 1) {
    return {
      problem: `schoolYearSourcedId is empty and the course's classes use terms of several school years (${quoteList(fromClasses.keys())})`,
    };
  }
  const schoolCalendars = calendars.calendarsOfSchool(schoolId);
  const [onlySchoolCalendar] = schoolCalendars;
  if (schoolCalendars.length === 1 && onlySchoolCalendar !== undefined) {
    return { calendar: onlySchoolCalendar };
  }
  return {
    problem:
      schoolCalendars.length === 0
        ? `school "${schoolId}" has no calendar: academicSessions.csv has no session it uses`
        : `schoolYearSourcedId is empty and no class of the course names a term of school "${schoolId}"`,
  };
}

/**
 * Reads courses.csv and places each course in one calendar. The school is the course's org, or
 * for a district course the single school of its classes. The school year is its
 * `schoolYearSourcedId`, a `schoolYear` column, its classes' terms, or the school's only calendar.
 */
export function mapCourses(
  { fields, index }: OpenedTable,
  classUsesByCourse: Map<string, ClassUse[]>,
  context: RosterContext,
  log: IssueLog,
  importedAt: Date,
): CourseResult {
  const result: CourseResult = { courses: new Map(), index };
  if (fields === undefined) {
    return result;
  }
  for (const { row, id } of identifiedRows(fields, result.index, log)) {
    const title = fields.value(row, 'title');
    const classUses = classUsesByCourse.get(id) ?? [];
    if (title === '') {
      log.reject('courses', row.line, 'title is empty');
      continue;
    }
    const school = resolveCourseSchool(fields.value(row, 'orgSourcedId'), classUses, context);
    if ('problem' in school) {
      log.reject('courses', row.line, school.problem);
      continue;
    }
    const placed = resolveCourseCalendar(
      school.schoolId,
      fields.value(row, 'schoolYearSourcedId'),
      fields.value(row, 'schoolYear'),
      classUses,
      context,
    );
    if ('problem' in placed) {
      log.reject('courses', row.line, placed.problem);
      continue;
    }
    result.courses.set(id, {
      _id: id,
      calendarId: placed.calendar._id,
      schoolId: school.schoolId,
      title,
      courseCode: orNull(fields.value(row, 'courseCode')),
      courseMasterId: null,
      link: 'courseControlled',
      setup: structuredClone(EMPTY_SETUP),
      versions: { ...ZERO_VERSIONS },
      changedAt: Object.fromEntries(
        PUSH_ITEMS.map((item) => [item, null]),
      ) as CourseDoc['changedAt'],
      importedAt,
    });
  }
  return result;
}

export interface SectionResult {
  sections: Map<string, SectionDoc>;
  index: SourceIndex;
}

const CLASS_TYPES = ['scheduled', 'homeroom'];

/**
 * Reads classes.csv into sections of valid courses. A class whose term is the school year session
 * itself gets the calendar's top-level terms, because a section's termIds name terms only.
 */
export function mapSections(
  { fields, index }: OpenedTable,
  courses: CourseResult,
  context: RosterContext,
  log: IssueLog,
  importedAt: Date,
): SectionResult {
  const result: SectionResult = { sections: new Map(), index };
  if (fields === undefined) {
    return result;
  }
  const { orgs, sessions, calendars } = context;
  for (const { row, id } of identifiedRows(fields, result.index, log)) {
    const problems: string[] = [];
    const title = fields.value(row, 'title');
    if (title === '') {
      problems.push('title is empty');
    }
    const classType = fields.value(row, 'classType');
    if (classType !== '' && !CLASS_TYPES.includes(classType.toLowerCase())) {
      problems.push(`classType "${classType}" is invalid, expected scheduled or homeroom`);
    }

    const courseId = fields.value(row, 'courseSourcedId');
    const course = courses.courses.get(courseId);
    if (courseId === '') {
      problems.push('courseSourcedId is empty');
    } else if (course === undefined) {
      problems.push(courses.index.describeMissing('course', courseId));
    }

    const schoolId = fields.value(row, 'schoolSourcedId');
    const school = orgs.orgs.get(schoolId);
    if (schoolId === '') {
      problems.push('schoolSourcedId is empty');
    } else if (school === undefined) {
      problems.push(orgs.index.describeMissing('school', schoolId));
    } else if (school.type !== 'school') {
      problems.push(`org "${schoolId}" is a ${school.type}, not a school`);
    } else if (course !== undefined && course.schoolId !== schoolId) {
      problems.push(
        `school "${schoolId}" differs from school "${course.schoolId}" of course "${course._id}"`,
      );
    }

    const termIds: string[] = [];
    for (const termId of fields.list(row, 'termSourcedIds')) {
      const session = sessions.sessions.get(termId);
      if (session === undefined) {
        problems.push(sessions.index.describeMissing('term', termId));
        continue;
      }
      if (course === undefined) {
        continue;
      }
      const calendar = calendars.calendarOf(course.schoolId, termId);
      if (calendar?._id !== course.calendarId) {
        problems.push(
          `term "${termId}" is not in calendar "${course.calendarId}" of course "${course._id}"`,
        );
      } else if (session.type === 'schoolYear') {
        termIds.push(...calendar.terms.filter((term) => term.parentId === null).map((t) => t.id));
      } else {
        termIds.push(termId);
      }
    }

    if (problems.length > 0 || course === undefined) {
      log.reject('classes', row.line, problems.join('; '));
      continue;
    }
    if (termIds.length === 0) {
      log.warn('classes', row.line, 'termSourcedIds is empty, so the section has no terms');
    }
    result.sections.set(id, {
      _id: id,
      courseId: course._id,
      calendarId: course.calendarId,
      schoolId: course.schoolId,
      title,
      classCode: orNull(fields.value(row, 'classCode')),
      teacherIds: [],
      termIds: [...new Set(termIds)],
      setup: structuredClone(EMPTY_SECTION_SETUP),
      received: {},
      lastPush: null,
      version: 1,
      importedAt,
    });
  }
  return result;
}

/** Roles that users.csv may give a person who should not be a class's teacher. */
const NON_STAFF_ROLES = ['student', 'parent', 'guardian', 'relative'];

/**
 * Reads enrollments.csv and adds each teacher enrollment's user to its section's teacherIds.
 * The enrollment role decides: a user whom users.csv calls a student but who is enrolled as a
 * teacher stays the class's teacher, with a warning.
 */
export function applyEnrollments(
  { fields, index }: OpenedTable,
  sections: SectionResult,
  people: PeopleResult,
  log: IssueLog,
): void {
  if (fields === undefined) {
    return;
  }
  for (const { row } of identifiedRows(fields, index, log)) {
    const problems: string[] = [];
    const classId = fields.value(row, 'classSourcedId');
    const userId = fields.value(row, 'userSourcedId');
    const role = fields.value(row, 'role');
    const section = sections.sections.get(classId);
    const person: PersonDoc | undefined = people.people.get(userId);
    if (classId === '') {
      problems.push('classSourcedId is empty');
    } else if (section === undefined) {
      problems.push(sections.index.describeMissing('class', classId));
    }
    if (userId === '') {
      problems.push('userSourcedId is empty');
    } else if (person === undefined) {
      problems.push(people.index.describeMissing('user', userId));
    }
    if (role === '') {
      problems.push('role is empty');
    }
    if (problems.length > 0 || section === undefined || person === undefined) {
      log.reject('enrollments', row.line, problems.join('; '));
      continue;
    }
    if (role.toLowerCase() !== 'teacher') {
      continue;
    }
    if (NON_STAFF_ROLES.includes(person.role.toLowerCase())) {
      log.warn(
        'enrollments',
        row.line,
        `user "${userId}" has role "${person.role}" in users.csv but is enrolled as teacher of class "${classId}"; the enrollment role is used`,
      );
    }
    if (!section.teacherIds.includes(userId)) {
      section.teacherIds.push(userId);
    }
  }
}
