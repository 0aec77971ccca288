import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { FieldReader } from '../src/import/columns.js';
import { parseCsv } from '../src/import/csv.js';
import { editDistance, parseManifest } from '../src/import/manifest.js';
import { mapBundle, type MappedBundle } from '../src/import/map.js';
import { readBundle, type Bundle, type ImportedFile } from '../src/import/read.js';
import { emptyCounts, formatImportReport, type ImportIssue } from '../src/import/report.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const sharedOneRoster = path.resolve(repoRoot, '..', 'shared', 'data', 'oneroster');
const hasSharedData = existsSync(sharedOneRoster);
const sharedTest = hasSharedData ? test : test.skip;
if (!hasSharedData) {
  test('sample bundles are missing', (t) => {
    t.log(`${sharedOneRoster} does not exist, so the sample bundle tests are skipped`);
    t.pass();
  });
}

const IMPORTED_AT = new Date('2026-01-01T00:00:00Z');

function lines(...rows: string[]): string {
  return `${rows.join('\n')}\n`;
}

/** Builds a bundle from CSV texts by file name (without .csv), as readBundle would. */
function bundleOf(files: Partial<Record<ImportedFile, string>>): Bundle {
  const bundle: Bundle = {
    folder: '/in-memory',
    version: '1.2',
    tables: {},
    rejected: [],
    warnings: [],
  };
  for (const [name, text] of Object.entries(files)) {
    const parsed = parseCsv(`${name}.csv`, text);
    bundle.rejected.push(...parsed.rejected);
    if (parsed.table !== null) {
      bundle.tables[name as ImportedFile] = parsed.table;
    }
  }
  return bundle;
}

function issueAt(issues: ImportIssue[], file: string, line: number): ImportIssue | undefined {
  return issues.find((issue) => issue.file === file && issue.line === line);
}

const ORGS = lines(
  'sourcedId,name,type,parentSourcedId',
  'd1,Lake District,district,',
  'sch-a,School A,school,d1',
  'sch-b,School B,school,d1',
);

// School A has a schoolYear session, and School B only has grading periods that name no org.
const SESSIONS = lines(
  'sourcedId,title,type,startDate,endDate,parentSourcedId,schoolYear',
  'sy-a,A 2025-26,schoolYear,2025-08-01,2026-06-30,,2026',
  'sem-a1,Fall,semester,2025-08-01,2025-12-20,sy-a,2026',
  'sem-a2,Spring,semester,2026-01-05,2026-06-30,sy-a,2026',
  'gp-b1,Q1,gradingPeriod,2025-08-01,2025-10-31,,2026',
  'gp-b2,Q2,gradingPeriod,2025-11-01,2026-01-20,,2026',
);

const COURSES = lines(
  'sourcedId,title,courseCode,orgSourcedId,schoolYearSourcedId',
  'c-a,Algebra,ALG,sch-a,sy-a',
  'c-b,Biology,BIO,sch-b,',
);

const CLASSES = lines(
  'sourcedId,title,courseSourcedId,classCode,classType,schoolSourcedId,termSourcedIds',
  'k-a1,Algebra 1,c-a,A1,scheduled,sch-a,"sem-a1,sem-a2"',
  'k-a2,Algebra 2,c-a,A2,,sch-a,sy-a',
  'k-b1,Biology 1,c-b,B1,homeroom,sch-b,gp-b1',
);

const USERS = lines(
  'sourcedId,role,givenName,familyName,orgSourcedIds,email,username',
  't1,teacher,Tina,Teach,sch-a,t1@school.example,tina',
  't2,teacher,Tom,Teach,sch-b,,',
  's1,student,Sam,Stu,sch-a,,',
  's2,student,Sue,Stu,sch-b,,',
);

const ENROLLMENTS = lines(
  'sourcedId,classSourcedId,schoolSourcedId,userSourcedId,role',
  'e1,k-a1,sch-a,t1,teacher',
  'e2,k-a1,sch-a,s1,student',
  'e3,k-a2,sch-a,t1,teacher',
  'e4,k-b1,sch-b,t2,teacher',
  'e5,k-b1,sch-b,s2,student',
);

const ROSTER = {
  orgs: ORGS,
  academicSessions: SESSIONS,
  courses: COURSES,
  classes: CLASSES,
  users: USERS,
  enrollments: ENROLLMENTS,
};

function mapRoster(overrides: Partial<Record<ImportedFile, string>> = {}): MappedBundle {
  return mapBundle(bundleOf({ ...ROSTER, ...overrides }), IMPORTED_AT);
}

test('parseCsv: BOM, CRLF and quoted line breaks', (t) => {
  const text =
    '\uFEFFsourcedId,title\r\n' +
    'a,"Title, with comma"\r\n' +
    'b,"Two\r\nlines and ""quotes"""\r\n' +
    '\r\n' +
    'c,Plain\r\n';
  const { table, rejected } = parseCsv('classes.csv', text);
  t.deepEqual(rejected, []);
  t.deepEqual(table?.columns, ['sourcedId', 'title']);
  t.deepEqual(
    table?.rows.map((row) => [row.line, row.values.sourcedId, row.values.title]),
    [
      [2, 'a', 'Title, with comma'],
      [3, 'b', 'Two\nlines and "quotes"'],
      [6, 'c', 'Plain'],
    ],
  );
});

test('parseCsv: vendor columns are dropped', (t) => {
  const { table } = parseCsv(
    'users.csv',
    lines('sourcedId,ext_vendor_id,metadata.grade,givenName', 'u1,V-1,7,Ana'),
  );
  t.deepEqual(table?.columns, ['sourcedId', 'givenName']);
  t.deepEqual(table?.rows[0]?.values, { sourcedId: 'u1', givenName: 'Ana' });
});

test('parseCsv: wrong field count rejects the row', (t) => {
  const { table, rejected } = parseCsv(
    'orgs.csv',
    lines('sourcedId,name', 'o1,One', 'o2,Two,extra'),
  );
  t.is(table?.rows.length, 1);
  t.deepEqual(rejected, [
    { file: 'orgs.csv', line: 3, reason: 'the row has 3 fields but the header has 2' },
  ]);
});

test('parseCsv: unclosed quote rejects the file', (t) => {
  const { table, rejected } = parseCsv('orgs.csv', lines('sourcedId,name', 'o1,"One'));
  t.is(table, null);
  t.is(rejected.length, 1);
  t.is(rejected[0]?.file, 'orgs.csv');
  t.regex(rejected[0]?.reason ?? '', /invalid CSV, the file is skipped/);
});

test('FieldReader: dotted and differently cased headers', (t) => {
  const { table } = parseCsv(
    'lineItems.csv',
    lines('SourcedId,class.sourcedId,terms.sourcedId,schoolYearId', 'li1,k1," t1 , t2 ",sy'),
  );
  if (table === null) {
    t.fail('the table did not parse');
    return;
  }
  const fields = new FieldReader(table);
  const row = table.rows[0];
  if (row === undefined) {
    t.fail('the table has no row');
    return;
  }
  t.is(fields.value(row, 'sourcedId'), 'li1');
  t.is(fields.value(row, 'classSourcedId'), 'k1');
  t.deepEqual(fields.list(row, 'termSourcedIds'), ['t1', 't2']);
  t.is(fields.value(row, 'schoolYearSourcedId'), 'sy');
  t.deepEqual(fields.missing(['sourcedId', 'categorySourcedId']), ['categorySourcedId']);
});

test('editDistance: counts single-character edits', (t) => {
  t.is(editDistance('fiel.demographics', 'file.demographics'), 2);
  t.is(editDistance('abc', 'abc'), 0);
  t.is(editDistance('', 'abc'), 3);
});

test('parseManifest: misspelled key and modes', (t) => {
  const { table } = parseCsv(
    'manifest.csv',
    lines(
      'propertyName,value',
      'oneroster.version,1.1',
      'file.orgs,bulk',
      'fiel.demographics,absent',
      'file.results,ABSENT',
      'vendor.flag,on',
    ),
  );
  if (table === null) {
    t.fail('the manifest did not parse');
    return;
  }
  const manifest = parseManifest(table);
  t.is(manifest.version, '1.1');
  t.is(manifest.files.get('orgs')?.mode, 'bulk');
  t.is(manifest.files.get('demographics')?.mode, 'absent');
  t.is(manifest.files.get('results')?.mode, 'absent');
  t.deepEqual(manifest.warnings, [
    {
      file: 'manifest.csv',
      line: 4,
      reason: 'unknown property "fiel.demographics" is read as "file.demographics"',
    },
    { file: 'manifest.csv', line: 6, reason: 'unknown property "vendor.flag" is ignored' },
  ]);
});

sharedTest('mapBundle: roster-hub-en sample', async (t) => {
  const bundle = await readBundle(path.join(sharedOneRoster, 'roster-hub-en'));
  const mapped = mapBundle(bundle, IMPORTED_AT);
  const { documents } = mapped;
  t.is(bundle.version, '1.1');
  t.deepEqual(mapped.rejected, []);
  t.is(documents.schools.length, 1);
  t.is(documents.people.length, 20);
  t.deepEqual(
    documents.calendars.map((calendar) => calendar._id),
    ['or0001-2021'],
  );
  t.deepEqual(
    documents.calendars[0]?.terms.map((term) => term.id),
    ['as0001', 'as0003', 'as0004', 'as0002'],
  );
  t.deepEqual(
    documents.courses.map((course) => [course._id, course.calendarId]),
    [
      ['co0001', 'or0001-2021'],
      ['co0002', 'or0001-2021'],
    ],
  );
  t.deepEqual(
    documents.sections.map((section) => [section._id, section.teacherIds, section.termIds]),
    [
      ['cl0001', ['us0001'], ['as0001']],
      ['cl0002', ['us0001'], ['as0001']],
      ['cl0003', ['us0001'], ['as0003']],
      ['cl0004', ['us0001'], ['as0002']],
      ['cl0005', ['us0002'], ['as0002']],
    ],
  );
  t.truthy(issueAt(mapped.warnings, 'manifest.csv', 10));
  const teacherWarnings = mapped.warnings.filter((issue) => issue.file === 'enrollments.csv');
  t.is(teacherWarnings.length, 5);
  t.regex(
    teacherWarnings[0]?.reason ?? '',
    /user "us0001" has role "student".*teacher of class "cl0001"/,
  );
});

sharedTest('mapBundle: oneroster-1.1-base sample', async (t) => {
  const bundle = await readBundle(path.join(sharedOneRoster, 'oneroster-1.1-base'));
  const mapped = mapBundle(bundle, IMPORTED_AT);
  t.is(mapped.documents.schools.length, 2);
  t.is(mapped.documents.people.length, 2);
  t.is(mapped.documents.sections.length, 0);
  t.deepEqual(
    mapped.rejected.map((issue) => `${issue.file}:${issue.line}`),
    [
      'classes.csv:2',
      'classes.csv:3',
      'classes.csv:4',
      'enrollments.csv:2',
      'enrollments.csv:3',
      'enrollments.csv:4',
    ],
  );
  t.is(
    mapped.rejected[0]?.reason,
    'courseSourcedId is empty; term "1" not found in academicSessions.csv',
  );
  t.is(mapped.rejected[3]?.reason, 'class "class1" was rejected (classes.csv line 2)');
  t.is(mapped.rejectedRows.sections, 6);
});

test('mapBundle: calendars by school and year', (t) => {
  const mapped = mapRoster();
  const calendars = mapped.documents.calendars;
  t.deepEqual(
    calendars.map((calendar) => [calendar._id, calendar.schoolId, calendar.schoolYear]),
    [
      ['sy-a', 'sch-a', '2026'],
      ['sch-b-2026', 'sch-b', '2026'],
    ],
  );
  t.is(calendars[0]?.title, 'A 2025-26');
  t.is(calendars[1]?.title, 'School B 2026');
  t.deepEqual(calendars[0]?.terms, [
    {
      id: 'sem-a1',
      title: 'Fall',
      type: 'semester',
      startDate: '2025-08-01',
      endDate: '2025-12-20',
      parentId: null,
    },
    {
      id: 'sem-a2',
      title: 'Spring',
      type: 'semester',
      startDate: '2026-01-05',
      endDate: '2026-06-30',
      parentId: null,
    },
  ]);
  // No class uses gp-b2 and it names no org, so with two schools it belongs to neither.
  t.deepEqual(
    calendars[1]?.terms.map((term) => term.id),
    ['gp-b1'],
  );
  t.regex(
    issueAt(mapped.warnings, 'academicSessions.csv', 6)?.reason ?? '',
    /"gp-b2" is used by no class/,
  );
});

test('mapBundle: courses, sections and teachers', (t) => {
  const mapped = mapRoster();
  t.deepEqual(mapped.rejected, []);
  const [courseA, courseB] = mapped.documents.courses;
  t.is(courseA?.calendarId, 'sy-a');
  t.is(courseB?.calendarId, 'sch-b-2026');
  t.is(courseB?.link, 'courseControlled');
  t.is(courseB?.courseMasterId, null);
  t.deepEqual(courseB?.versions, {
    categories: 0,
    gradeCalcOptions: 0,
    composites: 0,
    advisory: 0,
  });
  t.deepEqual(courseB?.changedAt, {
    categories: null,
    gradeCalcOptions: null,
    composites: null,
    advisory: null,
  });

  const sections = new Map(mapped.documents.sections.map((section) => [section._id, section]));
  t.deepEqual(sections.get('k-a1')?.termIds, ['sem-a1', 'sem-a2']);
  // k-a2 names the school year session, which stands for the calendar's top-level terms.
  t.deepEqual(sections.get('k-a2')?.termIds, ['sem-a1', 'sem-a2']);
  t.deepEqual(sections.get('k-b1')?.termIds, ['gp-b1']);

  t.deepEqual(sections.get('k-a1')?.teacherIds, ['t1']);
  t.deepEqual(sections.get('k-b1')?.teacherIds, ['t2']);
  t.is(sections.get('k-b1')?.calendarId, 'sch-b-2026');
  t.is(sections.get('k-b1')?.schoolId, 'sch-b');

  t.is(sections.get('k-a1')?.version, 1);
  t.deepEqual(sections.get('k-a1')?.received, {});
  t.is(sections.get('k-a1')?.lastPush, null);
  t.deepEqual(sections.get('k-a1')?.setup, {
    categories: [],
    gradeCalcOptions: [],
    composites: [],
    advisory: false,
  });

  t.is(mapped.documents.schools[0]?.districtId, 'd1');
});

test('mapBundle: shared school year splits calendars', (t) => {
  const mapped = mapRoster({
    academicSessions: lines(
      'sourcedId,title,type,startDate,endDate,parentSourcedId,schoolYear',
      'sy,District 2025-26,schoolYear,2025-08-01,2026-06-30,,2026',
      'sem-a1,Fall,semester,2025-08-01,2025-12-20,sy,',
      'sem-a2,Spring,semester,2026-01-05,2026-06-30,sy,',
      'gp-b1,Q1,gradingPeriod,2025-08-01,2025-10-31,sy,',
    ),
    courses: lines(
      'sourcedId,title,courseCode,orgSourcedId,schoolYearSourcedId',
      'c-a,Algebra,ALG,sch-a,sy',
      'c-b,Biology,BIO,sch-b,sy',
    ),
    classes: lines(
      'sourcedId,title,courseSourcedId,classCode,classType,schoolSourcedId,termSourcedIds',
      'k-a1,Algebra 1,c-a,A1,scheduled,sch-a,sem-a1',
      'k-a2,Algebra 2,c-a,A2,scheduled,sch-a,sy',
      'k-b1,Biology 1,c-b,B1,scheduled,sch-b,gp-b1',
    ),
  });
  t.deepEqual(mapped.rejected, []);
  t.deepEqual(
    mapped.documents.sections.map((section) => [section._id, section.calendarId, section.termIds]),
    [
      ['k-a1', 'sch-a-2026', ['sem-a1']],
      ['k-a2', 'sch-a-2026', ['sem-a1', 'sem-a2']],
      ['k-b1', 'sch-b-2026', ['gp-b1']],
    ],
  );
  t.deepEqual(
    mapped.documents.calendars.map((calendar) => [
      calendar._id,
      calendar.terms.map((term) => term.id),
    ]),
    [
      ['sch-a-2026', ['sem-a1', 'sem-a2']],
      // No class uses sem-a2, so it inherits both schools from its school year.
      ['sch-b-2026', ['gp-b1', 'sem-a2']],
    ],
  );
  t.regex(
    issueAt(mapped.warnings, 'academicSessions.csv', 2)?.reason ?? '',
    /school year "sy" is used by schools "sch-a", "sch-b"/,
  );
});

test('mapBundle: broken references are rejected', (t) => {
  const mapped = mapRoster({
    courses: lines(
      'sourcedId,title,courseCode,orgSourcedId,schoolYearSourcedId',
      'c-a,Algebra,ALG,sch-a,sy-a',
      'c-b,Biology,BIO,sch-x,',
    ),
    classes: lines(
      'sourcedId,title,courseSourcedId,classCode,classType,schoolSourcedId,termSourcedIds',
      'k-a1,Algebra 1,c-a,A1,scheduled,sch-a,sem-a1',
      'k-b1,Biology 1,c-b,B1,scheduled,sch-b,gp-b1',
      'k-x,Mystery,c-9,X,scheduled,sch-a,sem-a1',
      'k-a3,Algebra 3,c-a,A3,lecture,sch-a,gp-zz',
    ),
  });
  t.deepEqual(mapped.rejected, [
    { file: 'courses.csv', line: 3, reason: 'org "sch-x" not found in orgs.csv' },
    {
      file: 'classes.csv',
      line: 3,
      reason: 'course "c-b" was rejected (courses.csv line 3)',
    },
    { file: 'classes.csv', line: 4, reason: 'course "c-9" not found in courses.csv' },
    {
      file: 'classes.csv',
      line: 5,
      reason:
        'classType "lecture" is invalid, expected scheduled or homeroom; term "gp-zz" not found in academicSessions.csv',
    },
    {
      file: 'enrollments.csv',
      line: 4,
      reason: 'class "k-a2" not found in classes.csv',
    },
    {
      file: 'enrollments.csv',
      line: 5,
      reason: 'class "k-b1" was rejected (classes.csv line 3)',
    },
    {
      file: 'enrollments.csv',
      line: 6,
      reason: 'class "k-b1" was rejected (classes.csv line 3)',
    },
  ]);
  t.deepEqual(
    mapped.documents.sections.map((section) => section._id),
    ['k-a1'],
  );
  t.is(mapped.rejectedRows.courses, 1);
  t.is(mapped.rejectedRows.sections, 6);
});

test('mapBundle: missing required column skips the file', (t) => {
  const mapped = mapRoster({
    classes: lines(
      'sourcedId,title,schoolSourcedId',
      'k-a1,Algebra 1,sch-a',
      'k-a2,Algebra 2,sch-a',
    ),
  });
  t.is(
    issueAt(mapped.rejected, 'classes.csv', 1)?.reason,
    'missing required column "courseSourcedId"; the file and its 2 rows are skipped',
  );
  // Without classes, no session belongs to School B, so its course has no calendar.
  t.is(
    issueAt(mapped.rejected, 'courses.csv', 3)?.reason,
    'school "sch-b" has no calendar: academicSessions.csv has no session it uses',
  );
  t.is(mapped.documents.sections.length, 0);
  t.is(
    issueAt(mapped.rejected, 'enrollments.csv', 2)?.reason,
    'class "k-a1" not found: classes.csv was skipped (see its line 1)',
  );
  t.is(mapped.rejectedRows.sections, 2 + 5);
});

test('mapBundle: status and duplicate ids', (t) => {
  const mapped = mapRoster({
    users: lines(
      'sourcedId,status,role,givenName,familyName,orgSourcedIds',
      't1,active,teacher,Tina,Teach,sch-a',
      't2,tobedeleted,teacher,Tom,Teach,sch-b',
      's1,,student,Sam,Stu,sch-a',
      's2,,student,Sue,Stu,sch-b',
      's1,,student,Sam,Again,sch-a',
    ),
  });
  t.deepEqual(
    mapped.rejected.filter((issue) => issue.file === 'users.csv'),
    [
      {
        file: 'users.csv',
        line: 3,
        reason:
          'status is "tobedeleted"; the import adds and updates records but does not delete them',
      },
      { file: 'users.csv', line: 6, reason: 'sourcedId "s1" repeats line 4' },
    ],
  );
  t.is(
    issueAt(mapped.rejected, 'enrollments.csv', 5)?.reason,
    'user "t2" was rejected (users.csv line 3)',
  );
});

test('mapBundle: OneRoster 1.2 roles.csv', (t) => {
  const mapped = mapRoster({
    users: lines(
      'sourcedId,givenName,familyName,primaryOrgSourcedId',
      't1,Tina,Teach,sch-a',
      't2,Tom,Teach,sch-b',
      's1,Sam,Stu,sch-a',
      's2,Sue,Stu,',
    ),
    roles: lines(
      'sourcedId,userSourcedId,roleType,role,orgSourcedId',
      'r1,t1,secondary,aide,sch-b',
      'r2,t1,primary,teacher,sch-a',
      'r3,t2,primary,teacher,sch-b',
      'r4,s1,primary,student,sch-a',
      'r5,s2,primary,student,sch-b',
      'r6,ghost,primary,student,sch-b',
    ),
  });
  const people = new Map(mapped.documents.people.map((person) => [person._id, person]));
  t.is(people.get('t1')?.role, 'teacher');
  t.deepEqual(people.get('t1')?.orgIds, ['sch-a', 'sch-b']);
  t.is(people.get('s2')?.role, 'student');
  t.deepEqual(people.get('s2')?.orgIds, ['sch-b']);
  t.deepEqual(mapped.rejected, [
    { file: 'roles.csv', line: 7, reason: 'user "ghost" not found in users.csv' },
  ]);
});

const CATEGORIES = lines(
  'sourcedId,title,weight',
  'cat-hw,Homework,1',
  'cat-test,Tests,2.5',
  'cat-unused,Unused,1',
  'cat-hw2,homework ,',
  'cat-bad,Bad,-2',
);

const LINE_ITEMS = lines(
  'sourcedId,title,classSourcedId,categorySourcedId,gradingPeriodSourcedId,dueDate,resultValueMax',
  'li1,Test 1,k-a1,cat-test,sem-a1,2025-09-10,50',
  'li2,HW 1,k-a1,cat-hw,sem-a1,2025-09-03T23:59:00Z,10',
  'li3,HW 2,k-a1,cat-hw2,sem-a1,,10',
  'li4,HW 1,k-a2,cat-hw2,sy-a,,10',
  'li5,Bad,k-b1,,gp-b1,someday,-1',
  'li6,Lab,k-b1,,gp-b1,,20',
  'li7,Wrong term,k-b1,,sem-a1,,20',
);

const RESULTS = lines(
  'sourcedId,lineItemSourcedId,studentSourcedId,scoreStatus,score,comment',
  'r1,li1,s1,fully graded,45,"Good, ""solid"" work"',
  'r2,li2,s1,exempt,,',
  'r3,li1,s1,fully graded,40,',
  'r4,li6,s2,done,5,',
  'r5,li6,s2,submitted,abc,',
  'r6,li3,s1,fully graded,5,',
  'r7,li6,s2,not submitted,,',
);

test('mapBundle: gradebook files', (t) => {
  const mapped = mapRoster({ categories: CATEGORIES, lineItems: LINE_ITEMS, results: RESULTS });
  const sections = new Map(mapped.documents.sections.map((section) => [section._id, section]));
  t.deepEqual(sections.get('k-a1')?.setup.categories, [
    {
      id: 'cat-hw',
      name: 'Homework',
      weight: 1,
      sequence: 0,
      locked: false,
      courseCategoryId: null,
    },
    {
      id: 'cat-test',
      name: 'Tests',
      weight: 2.5,
      sequence: 1,
      locked: false,
      courseCategoryId: null,
    },
  ]);
  t.deepEqual(sections.get('k-a2')?.setup.categories, [
    {
      id: 'cat-hw2',
      name: 'homework ',
      weight: 1,
      sequence: 0,
      locked: false,
      courseCategoryId: null,
    },
  ]);
  t.deepEqual(sections.get('k-b1')?.setup.categories, []);

  const assignments = new Map(mapped.documents.assignments.map((item) => [item._id, item]));
  t.deepEqual([...assignments.keys()], ['li1', 'li2', 'li4', 'li6']);
  t.deepEqual(assignments.get('li1'), {
    _id: 'li1',
    sectionId: 'k-a1',
    categoryId: 'cat-test',
    title: 'Test 1',
    dueDate: '2025-09-10',
    termId: 'sem-a1',
    possiblePoints: 50,
    importedAt: IMPORTED_AT,
  });
  t.is(assignments.get('li4')?.termId, null);
  t.is(assignments.get('li6')?.categoryId, null);

  const scores = new Map(mapped.documents.scores.map((score) => [score._id, score]));
  t.deepEqual([...scores.keys()], ['r1', 'r2', 'r7']);
  t.deepEqual(scores.get('r1'), {
    _id: 'r1',
    assignmentId: 'li1',
    sectionId: 'k-a1',
    studentId: 's1',
    score: 45,
    status: 'fully graded',
    exempt: false,
    comment: 'Good, "solid" work',
    importedAt: IMPORTED_AT,
  });
  t.is(scores.get('r2')?.exempt, true);
  t.is(scores.get('r2')?.score, null);
  t.is(scores.get('r7')?.score, null);

  const reasons = (file: string): (string | undefined)[] =>
    mapped.rejected.filter((issue) => issue.file === file).map((issue) => issue.reason);
  t.deepEqual(reasons('categories.csv'), ['weight "-2" is not a number of 0 or more']);
  t.deepEqual(reasons('lineItems.csv'), [
    'category "cat-hw2" ("homework ") has the same name as category "cat-hw" ("Homework") in class "k-a1"; names must differ after trimming and ignoring case',
    'resultValueMax "-1" is not a number of 0 or more; dueDate "someday" is not an ISO 8601 date or date-time',
    'grading period "sem-a1" is not in calendar "sch-b-2026" of class "k-b1"',
  ]);
  t.deepEqual(reasons('results.csv'), [
    'student "s1" already has result "r1" (line 2) for lineItem "li1"',
    'scoreStatus "done" is invalid, expected one of "exempt", "fully graded", "not submitted", "partially graded", "submitted"',
    'score "abc" is not a number',
    'lineItem "li3" was rejected (lineItems.csv line 4)',
  ]);
});

test('mapBundle: 1.1 categories default to weight 1', (t) => {
  const mapped = mapRoster({
    categories: lines('sourcedId,title', 'cat-hw,Homework'),
    lineItems: lines(
      'sourcedId,title,classSourcedId,categorySourcedId,resultValueMax',
      'li1,HW 1,k-a1,cat-hw,10',
    ),
  });
  t.is(mapped.documents.sections[0]?.setup.categories[0]?.weight, 1);
});

test('formatImportReport: counts and issues', (t) => {
  const counts = emptyCounts();
  counts.sections = { read: 6, inserted: 4, updated: 1, unchanged: 0, rejected: 1 };
  const text = formatImportReport({
    folder: '/data/bundle',
    version: '1.1',
    counts,
    calendarIds: [],
    rejected: [{ file: 'classes.csv', line: 4, reason: 'course "c-9" not found in courses.csv' }],
    warnings: [{ file: 'manifest.csv', line: 10, reason: 'unknown property "x" is ignored' }],
  });
  t.regex(text, /^OneRoster import from \/data\/bundle \(version 1\.1\)/);
  t.regex(text, /read\s+inserted\s+updated\s+unchanged\s+rejected/);
  t.regex(text, /sections\s+6\s+4\s+1\s+0\s+1/);
  t.regex(
    text,
    /Rejected rows \(1\):\n {2}classes\.csv line 4: course "c-9" not found in courses\.csv/,
  );
  t.regex(text, /Warnings \(1\):\n {2}manifest\.csv line 10: unknown property "x" is ignored/);
});

test('mapBundle: demo district is clean', async (t) => {
  const mapped = mapBundle(await readBundle(path.join(repoRoot, 'demo', 'district')), IMPORTED_AT);
  t.deepEqual(mapped.rejected, []);
  t.deepEqual(mapped.warnings, []);
  const byName = mapped.documents.sections.find((section) => section._id === 'n-alg1-p5');
  t.deepEqual(
    byName?.setup.categories.map((category) => category.name),
    ['Quizzes', 'Unit Tests', 'homework '],
  );
});
