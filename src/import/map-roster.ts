import type { PersonDoc, SchoolDoc } from '../db/types.js';
import type { Bundle } from './read.js';
import {
  identifiedRows,
  openTable,
  orNull,
  statusProblem,
  type SourceIndex,
  type IssueLog,
} from './rows.js';

export interface OrgInfo {
  id: string;
  name: string;
  /** OneRoster org type in lower case: school, district, state, national, local or department. */
  type: string;
  identifier: string | null;
  parentId: string | null;
  line: number;
}

export interface OrgResult {
  orgs: Map<string, OrgInfo>;
  schools: Map<string, SchoolDoc>;
  index: SourceIndex;
}

/** Reads orgs.csv: every valid org is kept for reference checks, and orgs of type school become schools. */
export function mapOrgs(bundle: Bundle, log: IssueLog, importedAt: Date): OrgResult {
  const { fields, index } = openTable(bundle, 'orgs', ['sourcedId', 'name', 'type'], log);
  const result: OrgResult = { orgs: new Map(), schools: new Map(), index };
  if (fields === undefined) {
    return result;
  }

  for (const { row, id } of identifiedRows(fields, result.index, log)) {
    const name = fields.value(row, 'name');
    const type = fields.value(row, 'type').toLowerCase();
    const problems: string[] = [];
    if (name === '') {
      problems.push('name is empty');
    }
    if (type === '') {
      problems.push('type is empty');
    }
    if (problems.length > 0) {
      log.reject('orgs', row.line, problems.join('; '));
      continue;
    }
    result.orgs.set(id, {
      id,
      name,
      type,
      identifier: orNull(fields.value(row, 'identifier')),
      parentId: orNull(fields.value(row, 'parentSourcedId')),
      line: row.line,
    });
  }

  for (const org of result.orgs.values()) {
    if (org.type !== 'school') {
      continue;
    }
    let districtId: string | null = null;
    if (org.parentId !== null) {
      const parent = result.orgs.get(org.parentId);
      if (parent === undefined) {
        const reason = result.index.describeMissing('parent org', org.parentId);
        log.warn('orgs', org.line, `${reason}; districtId is left empty`);
      } else if (parent.type !== 'district') {
        log.warn(
          'orgs',
          org.line,
          `parent org "${parent.id}" is a ${parent.type}, not a district; districtId is left empty`,
        );
      } else {
        districtId = parent.id;
      }
    }
    result.schools.set(org.id, {
      _id: org.id,
      name: org.name,
      identifier: org.identifier,
      districtId,
      importedAt,
    });
  }
  return result;
}

interface RoleRow {
  role: string;
  primary: boolean;
  orgId: string | null;
  line: number;
}

export interface PeopleResult {
  people: Map<string, PersonDoc>;
  index: SourceIndex;
}

/** Reads roles.csv (OneRoster 1.2 keeps each user's roles and orgs there) by user. */
function readRoles(bundle: Bundle, orgs: OrgResult, log: IssueLog): Map<string, RoleRow[]> {
  const rolesByUser = new Map<string, RoleRow[]>();
  const { fields } = openTable(bundle, 'roles', ['userSourcedId', 'role'], log);
  if (fields === undefined) {
    return rolesByUser;
  }
  for (const row of fields.table.rows) {
    const userId = fields.value(row, 'userSourcedId');
    const role = fields.value(row, 'role');
    const orgId = fields.value(row, 'orgSourcedId');
    const problems: string[] = [];
    const status = statusProblem(fields.value(row, 'status'));
    if (status !== null) {
      problems.push(status);
    }
    if (userId === '') {
      problems.push('userSourcedId is empty');
    }
    if (role === '') {
      problems.push('role is empty');
    }
    if (orgId !== '' && !orgs.orgs.has(orgId)) {
      problems.push(orgs.index.describeMissing('org', orgId));
    }
    if (problems.length > 0) {
      log.reject('roles', row.line, problems.join('; '));
      continue;
    }
    const roles = rolesByUser.get(userId) ?? [];
    roles.push({
      role,
      primary: fields.value(row, 'roleType').toLowerCase() === 'primary',
      orgId: orNull(orgId),
      line: row.line,
    });
    rolesByUser.set(userId, roles);
  }
  return rolesByUser;
}

/**
 * Reads users.csv into people. The role comes from users.csv (OneRoster 1.1) or else from the
 * user's primary role in roles.csv (1.2). Org ids are the union of both files' orgs.
 */
export function mapPeople(
  bundle: Bundle,
  orgs: OrgResult,
  log: IssueLog,
  importedAt: Date,
): PeopleResult {
  const rolesByUser = readRoles(bundle, orgs, log);
  const { fields, index } = openTable(
    bundle,
    'users',
    ['sourcedId', 'givenName', 'familyName'],
    log,
  );
  const result: PeopleResult = { people: new Map(), index };

  if (fields !== undefined) {
    for (const { row, id } of identifiedRows(fields, result.index, log)) {
      const roles = rolesByUser.get(id) ?? [];
      const givenName = fields.value(row, 'givenName');
      const familyName = fields.value(row, 'familyName');
      const primaryRole = (roles.find((entry) => entry.primary) ?? roles[0])?.role ?? '';
      const role = fields.value(row, 'role') || primaryRole;
      const orgIds = [
        ...fields.list(row, 'orgSourcedIds'),
        ...fields.list(row, 'primaryOrgSourcedId'),
        ...roles.flatMap((entry) => (entry.orgId === null ? [] : [entry.orgId])),
      ];
      const problems: string[] = [];
      if (givenName === '' && familyName === '') {
        problems.push('givenName and familyName are empty');
      }
      if (role === '') {
        problems.push('role is empty and roles.csv has no role for this user');
      }
      for (const orgId of new Set(orgIds)) {
        if (!orgs.orgs.has(orgId)) {
          problems.push(orgs.index.describeMissing('org', orgId));
        }
      }
      if (problems.length > 0) {
        log.reject('users', row.line, problems.join('; '));
        continue;
      }
      result.people.set(id, {
        _id: id,
        role,
        givenName,
        familyName,
        email: orNull(fields.value(row, 'email')),
        username: orNull(fields.value(row, 'username')),
        orgIds: [...new Set(orgIds)],
        importedAt,
      });
    }
  }

  for (const [userId, roles] of rolesByUser) {
    if (!result.people.has(userId)) {
      for (const entry of roles) {
        log.reject('roles', entry.line, result.index.describeMissing('user', userId));
      }
    }
  }
  return result;
}
