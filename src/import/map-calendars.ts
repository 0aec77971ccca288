import type { CalendarDoc, SchoolDoc, TermDoc } from '../db/types.js';
import type { OrgResult } from './map-roster.js';
import type { Bundle } from './read.js';
import {
  identifiedRows,
  isIsoDate,
  openTable,
  orNull,
  quoteList,
  type IssueLog,
  type SourceIndex,
} from './rows.js';

export const SESSION_TYPES = ['schoolYear', 'semester', 'term', 'gradingPeriod'] as const;
export type SessionType = (typeof SESSION_TYPES)[number];

export interface SessionInfo {
  id: string;
  line: number;
  type: SessionType;
  title: string;
  startDate: string | null;
  endDate: string | null;
  parentId: string | null;
  /** The `schoolYear` column, else the nearest ancestor's, else the year of endDate. */
  schoolYear: string;
  /** A school named by a non-standard `orgSourcedId` column, which some exports add. */
  schoolId: string | null;
}

export interface SessionResult {
  sessions: Map<string, SessionInfo>;
  index: SourceIndex;
}

interface SessionDraft extends Omit<SessionInfo, 'schoolYear'> {
  yearColumn: string;
}

function readDrafts(
  bundle: Bundle,
  orgs: OrgResult,
  log: IssueLog,
): { drafts: Map<string, SessionDraft>; index: SourceIndex } {
  const drafts = new Map<string, SessionDraft>();
  const opened = openTable(bundle, 'academicSessions', ['sourcedId', 'title', 'type'], log);
  const { fields, index } = opened;
  if (fields === undefined) {
    return { drafts, index };
  }
  for (const { row, id } of identifiedRows(fields, index, log)) {
    const title = fields.value(row, 'title');
    const typeText = fields.value(row, 'type');
    const type = SESSION_TYPES.find((name) => name.toLowerCase() === typeText.toLowerCase());
    const startDate = fields.value(row, 'startDate');
    const endDate = fields.value(row, 'endDate');
    const orgId = fields.value(row, 'orgSourcedId');
    const problems: string[] = [];
    if (title === '') {
      problems.push('title is empty');
    }
    if (type === undefined) {
      problems.push(`type "${typeText}" is invalid, expected one of ${quoteList(SESSION_TYPES)}`);
    }
    for (const [name, value] of [
      ['startDate', startDate],
      ['endDate', endDate],
    ] as const) {
      if (value !== '' && !isIsoDate(value)) {
        problems.push(`${name} "${value}" is not a date (YYYY-MM-DD)`);
      }
    }
    if (isIsoDate(startDate) && isIsoDate(endDate) && startDate > endDate) {
      problems.push(`startDate "${startDate}" is after endDate "${endDate}"`);
    }
    if (problems.length > 0 || type === undefined) {
      log.reject('academicSessions', row.line, problems.join('; '));
      continue;
    }
    let schoolId: string | null = null;
    if (orgId !== '') {
      if (orgs.schools.has(orgId)) {
        schoolId = orgId;
      } else {
        log.warn('academicSessions', row.line, `org "${orgId}" is not a school; it is ignored`);
      }
    }
    drafts.set(id, {
      id,
      line: row.line,
      type,
      title,
      startDate: orNull(startDate),
      endDate: orNull(endDate),
      parentId: orNull(fields.value(row, 'parentSourcedId')),
      yearColumn: fields.value(row, 'schoolYear'),
      schoolId,
    });
  }
  return { drafts, index };
}

/**
 * Reads academicSessions.csv. A session whose parent is missing, rejected or part of a cycle is
 * rejected, and so is one whose school year is neither written nor derivable.
 */
export function readSessions(bundle: Bundle, orgs: OrgResult, log: IssueLog): SessionResult {
  const { drafts, index } = readDrafts(bundle, orgs, log);
  const sessions = new Map<string, SessionInfo>();
  const failed = new Set<string>();
  const visiting = new Set<string>();

  // Resolves parents first, so each session can inherit its school year from its ancestors.
  const resolve = (draft: SessionDraft): SessionInfo | null => {
    const done = sessions.get(draft.id);
    if (done !== undefined) {
      return done;
    }
    if (failed.has(draft.id)) {
      return null;
    }
    let parent: SessionInfo | null = null;
    if (draft.parentId !== null) {
      const parentDraft = drafts.get(draft.parentId);
      let problem: string | null = null;
      if (parentDraft === undefined) {
        problem = index.describeMissing('parent session', draft.parentId);
      } else if (visiting.has(parentDraft.id)) {
        problem = `parentSourcedId "${draft.parentId}" makes the sessions a cycle`;
      } else {
        visiting.add(draft.id);
        parent = resolve(parentDraft);
        visiting.delete(draft.id);
        if (failed.has(draft.id)) {
          // A session that is its own parent was rejected by the inner call.
          return null;
        }
        if (parent === null) {
          problem = index.describeMissing('parent session', draft.parentId);
        }
      }
      if (problem !== null) {
        failed.add(draft.id);
        log.reject('academicSessions', draft.line, problem);
        return null;
      }
    }
    const schoolYear = draft.yearColumn || parent?.schoolYear || draft.endDate?.slice(0, 4) || '';
    if (schoolYear === '') {
      failed.add(draft.id);
      log.reject(
        'academicSessions',
        draft.line,
        'schoolYear is empty and cannot be derived from a parent session or the endDate',
      );
      return null;
    }
    const session: SessionInfo = {
      id: draft.id,
      line: draft.line,
      type: draft.type,
      title: draft.title,
      startDate: draft.startDate,
      endDate: draft.endDate,
      parentId: draft.parentId,
      schoolYear,
      schoolId: draft.schoolId,
    };
    sessions.set(draft.id, session);
    return session;
  };

  for (const draft of drafts.values()) {
    resolve(draft);
  }
  // Keep file order, which resolve() does not preserve when a parent follows its child.
  const ordered = new Map<string, SessionInfo>();
  for (const id of drafts.keys()) {
    const session = sessions.get(id);
    if (session !== undefined) {
      ordered.set(id, session);
    }
  }
  return { sessions: ordered, index };
}

/** A class, course or line item that uses a session at a school. */
export interface SessionUse {
  sessionId: string;
  schoolId: string;
}

export interface CalendarIndex {
  calendars: Map<string, CalendarDoc>;
  /** The calendar that contains a session (as its school year or a term) at a school. */
  calendarOf(schoolId: string, sessionId: string): CalendarDoc | undefined;
  calendarForYear(schoolId: string, schoolYear: string): CalendarDoc | undefined;
  calendarsOfSchool(schoolId: string): CalendarDoc[];
}

interface CalendarGroup {
  schoolId: string;
  schoolYear: string;
  sessions: SessionInfo[];
}

/** Yields the parents of a session up to the root. readSessions() rejects cycles, so the walk ends. */
function* ancestors(
  sessions: Map<string, SessionInfo>,
  session: SessionInfo,
): Generator<SessionInfo> {
  let parentId = session.parentId;
  while (parentId !== null) {
    const parent = sessions.get(parentId);
    if (parent === undefined) {
      return;
    }
    yield parent;
    parentId = parent.parentId;
  }
}

/** Sessions that classes use, and sessions that only courses and line items use. */
export interface SessionUses {
  classes: SessionUse[];
  /** Course school years and line item grading periods, which place only sessions no class uses. */
  fallback: SessionUse[];
}

/**
 * Decides which schools own each session. OneRoster sessions usually name no org, so ownership
 * comes first from the classes that use a session, and spreads to its ancestors. Sessions that no
 * class uses take their owners from courses and line items, or else from the nearest owned
 * ancestor. With a single school in the bundle, that school owns every session.
 */
function assignOwners(
  sessions: Map<string, SessionInfo>,
  uses: SessionUses,
  schools: Map<string, SchoolDoc>,
): Map<string, Set<string>> {
  const owners = new Map<string, Set<string>>();
  // Gives a session and its ancestors an owner, leaving alone the sessions in `settled`.
  const claim = (sessionId: string, schoolId: string, settled: ReadonlySet<string>): void => {
    const session = sessions.get(sessionId);
    if (session === undefined || !schools.has(schoolId)) {
      return;
    }
    for (const target of [session, ...ancestors(sessions, session)]) {
      if (settled.has(target.id)) {
        return;
      }
      const set = owners.get(target.id) ?? new Set<string>();
      set.add(schoolId);
      owners.set(target.id, set);
    }
  };

  const none = new Set<string>();
  for (const session of sessions.values()) {
    if (session.schoolId !== null) {
      claim(session.id, session.schoolId, none);
    }
  }
  for (const use of uses.classes) {
    claim(use.sessionId, use.schoolId, none);
  }
  const settled = new Set(owners.keys());
  for (const use of uses.fallback) {
    claim(use.sessionId, use.schoolId, settled);
  }

  for (const session of sessions.values()) {
    if (owners.has(session.id)) {
      continue;
    }
    for (const ancestor of ancestors(sessions, session)) {
      const inherited = owners.get(ancestor.id);
      if (inherited !== undefined) {
        owners.set(session.id, new Set(inherited));
        break;
      }
    }
  }
  const onlySchool = schools.size === 1 ? [...schools.keys()][0] : undefined;
  if (onlySchool !== undefined) {
    for (const session of sessions.values()) {
      if (!owners.has(session.id)) {
        owners.set(session.id, new Set([onlySchool]));
      }
    }
  }
  return owners;
}

function compareTerms(a: SessionInfo, b: SessionInfo): number {
  const aStart = a.startDate ?? '9999-12-31';
  const bStart = b.startDate ?? '9999-12-31';
  if (aStart !== bStart) {
    return aStart < bStart ? -1 : 1;
  }
  return a.line - b.line;
}

/**
 * Builds one calendar per school and school year. The calendar id is the schoolYear session's
 * sourcedId when one school owns that session. Without such a session, or when several schools
 * share it, the id is the school's sourcedId and the year joined by a dash, such as `or0001-2021`.
 */
export function buildCalendars(
  sessionResult: SessionResult,
  uses: SessionUses,
  schools: Map<string, SchoolDoc>,
  log: IssueLog,
  importedAt: Date,
): CalendarIndex {
  const { sessions } = sessionResult;
  const owners = assignOwners(sessions, uses, schools);

  const groups = new Map<string, CalendarGroup>();
  for (const session of sessions.values()) {
    const sessionOwners = owners.get(session.id);
    if (sessionOwners === undefined) {
      log.warn(
        'academicSessions',
        session.line,
        `session "${session.id}" is used by no class or course of a school in orgs.csv, so no calendar includes it`,
      );
      continue;
    }
    for (const schoolId of sessionOwners) {
      const key = `${schoolId}\u0000${session.schoolYear}`;
      const group = groups.get(key) ?? { schoolId, schoolYear: session.schoolYear, sessions: [] };
      group.sessions.push(session);
      groups.set(key, group);
    }
  }

  const calendars = new Map<string, CalendarDoc>();
  const bySession = new Map<string, CalendarDoc>();
  const byYear = new Map<string, CalendarDoc>();
  const sharedYearsWarned = new Set<string>();
  for (const [key, group] of groups) {
    const yearSessions = group.sessions.filter((session) => session.type === 'schoolYear');
    const [yearSession, ...extraYearSessions] = yearSessions;
    for (const extra of extraYearSessions) {
      log.warn(
        'academicSessions',
        extra.line,
        `school year "${extra.id}" repeats school year "${yearSession?.id ?? ''}" for school "${group.schoolId}" and year ${group.schoolYear}; both go into one calendar`,
      );
    }
    const yearOwners = yearSession === undefined ? undefined : owners.get(yearSession.id);
    let id = `${group.schoolId}-${group.schoolYear}`;
    if (yearSession !== undefined && yearOwners !== undefined) {
      if (yearOwners.size === 1) {
        id = yearSession.id;
      } else if (!sharedYearsWarned.has(yearSession.id)) {
        sharedYearsWarned.add(yearSession.id);
        log.warn(
          'academicSessions',
          yearSession.line,
          `school year "${yearSession.id}" is used by schools ${quoteList(yearOwners)}, so each school gets its own calendar with id "<school>-${group.schoolYear}"`,
        );
      }
    }

    const termSessions = group.sessions
      .filter((session) => session.type !== 'schoolYear')
      .sort(compareTerms);
    const termIds = new Set(termSessions.map((session) => session.id));
    const terms: TermDoc[] = termSessions.map((session) => ({
      id: session.id,
      title: session.title,
      type: session.type as TermDoc['type'],
      startDate: session.startDate,
      endDate: session.endDate,
      parentId:
        session.parentId !== null && termIds.has(session.parentId) ? session.parentId : null,
    }));
    const schoolName = schools.get(group.schoolId)?.name ?? group.schoolId;
    const calendar: CalendarDoc = {
      _id: id,
      schoolId: group.schoolId,
      schoolYear: group.schoolYear,
      title: yearSession?.title ?? `${schoolName} ${group.schoolYear}`,
      terms,
      importedAt,
    };
    calendars.set(id, calendar);
    byYear.set(key, calendar);
    for (const session of group.sessions) {
      bySession.set(`${group.schoolId}\u0000${session.id}`, calendar);
    }
  }

  return {
    calendars,
    calendarOf: (schoolId, sessionId) => bySession.get(`${schoolId}\u0000${sessionId}`),
    calendarForYear: (schoolId, schoolYear) => byYear.get(`${schoolId}\u0000${schoolYear}`),
    calendarsOfSchool: (schoolId) =>
      [...calendars.values()].filter((calendar) => calendar.schoolId === schoolId),
  };
}
