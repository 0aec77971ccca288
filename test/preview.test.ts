import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import anyTest, { type ExecutionContext, type TestFn } from 'ava';
import type { StudentGradeImpact } from '../src/domain/grades.js';
import { importOneRoster } from '../src/import/index.js';
import type { PushPreview, SectionPreview } from '../src/preview/preview.js';
import { hasServices, startHarness, waitForPushEnd, type Harness } from './helpers/integration.js';

interface Context {
  harness: Harness;
  admin: string;
  bundleDir: string;
}

const test = anyTest as TestFn<Context>;
const run = hasServices ? test.serial : test.serial.skip;

const calendarId = 'py-2026';
const stamp = '2025-08-01T12:00:00.000Z';

/**
 * A OneRoster 1.2 bundle with one school, one school year with two semesters, courses `alg`
 * (sections alg-1 and alg-2) and `bio` (section bio-1). Only alg-1 has a gradebook: test1
 * (Tests, fall, out of 100), hw1 and hw2 (Homework, fall, out of 10 each) and test2 (Tests,
 * spring, out of 50). categories.csv weighs the teacher's Tests 3 and Homework 1.
 *
 *   st1: test1 80, hw1 9, hw2 10, test2 40
 *   st2: test1 70, hw1 exempt, hw2 6
 *   st3: test1 90, hw1 not submitted (no score)
 */
const bundle: Record<string, string> = {
  'manifest.csv': `
propertyName,value
manifest.version,1.0
oneroster.version,1.2
file.orgs,bulk
file.academicSessions,bulk
file.courses,bulk
file.classes,bulk
file.users,bulk
file.roles,bulk
file.enrollments,bulk
file.categories,bulk
file.lineItems,bulk
file.results,bulk
`,
  'orgs.csv': `
sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId
py-district,active,${stamp},Preview District,district,PD,
py-school,active,${stamp},Preview High School,school,PHS,py-district
`,
  'academicSessions.csv': `
sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear
py-2026,active,${stamp},Preview 2025-2026,schoolYear,2025-08-18,2026-06-05,,2026
py-fall,active,${stamp},Fall,semester,2025-08-18,2026-01-16,py-2026,2026
py-spring,active,${stamp},Spring,semester,2026-01-20,2026-06-05,py-2026,2026
`,
  'courses.csv': `
sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,orgSourcedId
alg,active,${stamp},py-2026,Algebra I,MATH101,py-school
bio,active,${stamp},py-2026,Biology,SCI110,py-school
`,
  'classes.csv': `
sourcedId,status,dateLastModified,title,courseSourcedId,classType,schoolSourcedId,termSourcedIds
alg-1,active,${stamp},Algebra I - Period 1,alg,scheduled,py-school,"py-fall,py-spring"
alg-2,active,${stamp},Algebra I - Period 2,alg,scheduled,py-school,"py-fall,py-spring"
bio-1,active,${stamp},Biology - Period 1,bio,scheduled,py-school,"py-fall,py-spring"
`,
  'users.csv': `
sourcedId,status,dateLastModified,enabledUser,username,givenName,familyName,primaryOrgSourcedId
tch1,active,${stamp},true,ada.teacher,Ada,Teacher,py-school
st1,active,${stamp},true,sam.one,Sam,One,py-school
st2,active,${stamp},true,kim.two,Kim,Two,py-school
st3,active,${stamp},true,lee.three,Lee,Three,py-school
`,
  'roles.csv': `
sourcedId,status,dateLastModified,userSourcedId,roleType,role,orgSourcedId
role-tch1,active,${stamp},tch1,primary,teacher,py-school
role-st1,active,${stamp},st1,primary,student,py-school
role-st2,active,${stamp},st2,primary,student,py-school
role-st3,active,${stamp},st3,primary,student,py-school
`,
  'enrollments.csv': `
sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary
enr-1,active,${stamp},alg-1,py-school,tch1,teacher,true
enr-2,active,${stamp},alg-2,py-school,tch1,teacher,true
enr-3,active,${stamp},bio-1,py-school,tch1,teacher,true
enr-4,active,${stamp},alg-1,py-school,st1,student,false
enr-5,active,${stamp},alg-1,py-school,st2,student,false
enr-6,active,${stamp},alg-1,py-school,st3,student,false
`,
  'categories.csv': `
sourcedId,status,dateLastModified,title,weight
alg1-tests,active,${stamp},Tests,3
alg1-hw,active,${stamp},Homework,1
`,
  'lineItems.csv': `
sourcedId,status,dateLastModified,title,dueDate,classSourcedId,categorySourcedId,gradingPeriodSourcedId,resultValueMax
alg1-test1,active,${stamp},Unit test 1,2025-10-01,alg-1,alg1-tests,py-fall,100
alg1-hw1,active,${stamp},Homework 1,2025-09-10,alg-1,alg1-hw,py-fall,10
alg1-hw2,active,${stamp},Homework 2,2025-09-20,alg-1,alg1-hw,py-fall,10
alg1-test2,active,${stamp},Unit test 2,2026-02-10,alg-1,alg1-tests,py-spring,50
`,
  'results.csv': `
sourcedId,status,dateLastModified,lineItemSourcedId,studentSourcedId,scoreStatus,score,comment
r-test1-st1,active,${stamp},alg1-test1,st1,fully graded,80,
r-hw1-st1,active,${stamp},alg1-hw1,st1,fully graded,9,
r-hw2-st1,active,${stamp},alg1-hw2,st1,fully graded,10,
r-test2-st1,active,${stamp},alg1-test2,st1,fully graded,40,
r-test1-st2,active,${stamp},alg1-test1,st2,fully graded,70,
r-hw1-st2,active,${stamp},alg1-hw1,st2,exempt,,"Excused, family trip"
r-hw2-st2,active,${stamp},alg1-hw2,st2,fully graded,6,
r-test1-st3,active,${stamp},alg1-test1,st3,fully graded,90,
r-hw1-st3,active,${stamp},alg1-hw1,st3,not submitted,,
`,
};

function weightedOption(termId: string, weightCategories = true) {
  return {
    termId,
    calculationType: 'inProgress',
    gradingScale: 'A-F',
    weightCategories,
    useScorePercent: false,
    limitToLastN: null,
    cumulativeStartTermId: null,
  };
}

const courseSetup = {
  categories: [
    { id: 'tests', name: 'Tests', weight: 2, sequence: 1 },
    { id: 'homework', name: 'Homework', weight: 1, sequence: 2 },
  ],
  gradeCalcOptions: [weightedOption('py-fall'), weightedOption('py-spring')],
  composites: [
    {
      taskId: 'year',
      name: 'Year',
      children: [
        { taskId: 'py-fall', weight: 1 },
        { taskId: 'py-spring', weight: 1 },
      ],
    },
  ],
  advisory: true,
};

/** The first preview, which the push that follows it is compared with. */
let firstPreview: PushPreview | undefined;

test.before(async (t) => {
  if (!hasServices) return;
  const bundleDir = await mkdtemp(path.join(os.tmpdir(), 'gradepush-preview-'));
  for (const [file, text] of Object.entries(bundle)) {
    await writeFile(path.join(bundleDir, file), text.trimStart());
  }
  const harness = await startHarness('preview');
  const report = await importOneRoster(harness.runtime.database.collections, bundleDir);
  t.deepEqual(report.rejected, []);
  t.is(report.counts.scores.rejected, 0);
  const admin = await harness.token({ sub: 'district-admin', role: 'districtAdmin' });
  for (const courseId of ['alg', 'bio']) {
    const response = await harness.request('PUT', `/courses/${courseId}/grading-setup`, {
      token: admin,
      body: courseSetup,
    });
    t.is(response.status, 200, await response.clone().text());
  }
  t.context = { harness, admin, bundleDir };
});

test.after.always(async (t) => {
  await t.context.harness?.close();
  if (t.context.bundleDir) await rm(t.context.bundleDir, { recursive: true, force: true });
});

if (!hasServices) {
  test('preview tests need TEMPORAL_ADDRESS and MONGODB_URI', (t) => {
    t.log('the services are not configured, so the preview tests are skipped');
    t.pass();
  });
}

async function preview(
  t: ExecutionContext<Context>,
  url: string,
  body: unknown = {},
  token = t.context.admin,
): Promise<{ status: number; body: PushPreview & { error?: string; message?: string } }> {
  const response = await t.context.harness.request('POST', url, { token, body });
  return { status: response.status, body: (await response.json()) as PushPreview };
}

async function previewOk(
  t: ExecutionContext<Context>,
  url: string,
  body: unknown = {},
): Promise<PushPreview> {
  const { status, body: result } = await preview(t, url, body);
  t.is(status, 200, JSON.stringify(result));
  return result;
}

/** Reads every document a preview could write to. */
async function snapshot(harness: Harness) {
  const { sections, courses, assignments, scores } = harness.runtime.database.collections;
  return {
    sections: await sections.find({}).sort({ _id: 1 }).toArray(),
    courses: await courses.find({}).sort({ _id: 1 }).toArray(),
    assignments: await assignments.find({}).sort({ _id: 1 }).toArray(),
    scores: await scores.find({}).sort({ _id: 1 }).toArray(),
  };
}

function sectionOf(result: PushPreview, sectionId: string): SectionPreview {
  const section = result.sections.find((entry) => entry.sectionId === sectionId);
  if (!section) throw new Error(`the preview has no section ${sectionId}`);
  return section;
}

function termGrades(section: SectionPreview, termId: string): StudentGradeImpact[] | undefined {
  return section.grades?.terms.find((term) => term.termId === termId)?.students;
}

function grade(studentId: string, before: number | null, after: number | null) {
  return { studentId, before, after, changed: before !== after };
}

async function pushAndWait(t: ExecutionContext<Context>, url: string) {
  const { harness, admin } = t.context;
  const response = await harness.request('POST', url, { token: admin, body: { confirm: true } });
  const started = (await response.json()) as { pushId: string };
  t.is(response.status, 202, JSON.stringify(started));
  return waitForPushEnd(harness, admin, started.pushId);
}

run('first preview shows changes and grade impact', async (t) => {
  const { harness } = t.context;
  const before = await snapshot(harness);

  const result = await previewOk(t, `/calendars/${calendarId}/pushes/preview`);

  t.deepEqual(result.scope, { kind: 'calendar', calendarId });
  t.deepEqual(result.items, ['categories', 'gradeCalcOptions', 'composites', 'advisory']);
  t.false(result.overwriteCategories);
  t.is(result.sectionsTotal, 3);
  t.is(result.nextAfter, null);
  t.deepEqual(
    result.sections.map((section) => section.sectionId),
    ['alg-1', 'alg-2', 'bio-1'],
  );
  t.deepEqual(result.totals, {
    sections: 3,
    sectionsUpdated: 3,
    sectionsUnchanged: 0,
    studentsWithGradeChanges: 3,
  });

  const alg1 = sectionOf(result, 'alg-1');
  t.is(alg1.outcome, 'updated');
  t.deepEqual(alg1.changedItems, ['categories', 'gradeCalcOptions', 'composites', 'advisory']);
  t.deepEqual(alg1.categoryChanges, [
    { kind: 'added', categoryId: 'course:tests', name: 'Tests', weight: 2 },
    { kind: 'added', categoryId: 'course:homework', name: 'Homework', weight: 1 },
    { kind: 'renamed', categoryId: 'alg1-tests', from: 'Tests', to: 'Tests (1)' },
    { kind: 'renamed', categoryId: 'alg1-hw', from: 'Homework', to: 'Homework (1)' },
  ]);
  t.deepEqual(alg1.gradeCalcOptions?.before, []);
  t.deepEqual(alg1.gradeCalcOptions?.after, courseSetup.gradeCalcOptions);
  t.deepEqual(alg1.composites?.before, []);
  t.deepEqual(alg1.composites?.after, courseSetup.composites);
  t.deepEqual(alg1.advisory, { before: false, after: true });

  // Before the push the section has no grade calc options, so no grade is calculated. After it,
  // fall is weighted. The assignments stay in the teacher's categories (renamed "Tests (1)"
  // weight 3 and "Homework (1)" weight 1), because the course copies are new and empty.
  // st1: Tests 80/100 = 80%, Homework (9+10)/20 = 95% -> (80*3 + 95*1)/4 = 335/4 = 83.75
  // st2: Tests 70%, Homework hw1 exempt, hw2 6/10 = 60% -> (70*3 + 60*1)/4 = 270/4 = 67.50
  // st3: Tests 90%, hw1 not submitted, so Homework has no score -> 90.00
  t.deepEqual(termGrades(alg1, 'py-fall'), [
    grade('st1', null, 83.75),
    grade('st2', null, 67.5),
    grade('st3', null, 90),
  ]);
  // Spring: only st1 has a score, test2 40/50 = 80% -> 80.00
  t.deepEqual(termGrades(alg1, 'py-spring'), [grade('st1', null, 80)]);
  t.deepEqual(
    alg1.grades?.terms.map((term) => [term.termId, term.title, term.changedCount]),
    [
      ['py-fall', 'Fall', 3],
      ['py-spring', 'Spring', 1],
    ],
  );
  t.is(alg1.grades?.studentsWithGradeChanges, 3);

  const alg2 = sectionOf(result, 'alg-2');
  t.is(alg2.outcome, 'updated');
  t.is(alg2.grades, null);
  t.deepEqual(
    alg2.categoryChanges.map((change) => [change.kind, change.categoryId]),
    [
      ['added', 'course:tests'],
      ['added', 'course:homework'],
    ],
  );

  t.deepEqual(await snapshot(harness), before, 'the preview wrote to the database');
  firstPreview = result;
});

run('push writes the setup the preview showed', async (t) => {
  const { harness } = t.context;
  if (!firstPreview) return t.fail('the first preview did not run');

  const result = await pushAndWait(t, `/calendars/${calendarId}/pushes`);

  t.is(result.state, 'completed');
  t.like(result.progress, {
    sectionsUpdated: firstPreview.totals.sectionsUpdated,
    sectionsUnchanged: firstPreview.totals.sectionsUnchanged,
  });
  const { sections } = await snapshot(harness);
  t.is(sections.length, firstPreview.sections.length);
  for (const section of sections) {
    t.deepEqual(section.setup, sectionOf(firstPreview, section._id).after, section._id);
  }
});

run('preview after the push shows no changes', async (t) => {
  const { harness } = t.context;
  const before = await snapshot(harness);

  const result = await previewOk(t, `/calendars/${calendarId}/pushes/preview`);

  t.deepEqual(result.totals, {
    sections: 3,
    sectionsUpdated: 0,
    sectionsUnchanged: 3,
    studentsWithGradeChanges: 0,
  });
  for (const section of result.sections) {
    t.is(section.outcome, 'unchanged', section.sectionId);
    t.deepEqual(section.changedItems, [], section.sectionId);
    t.deepEqual(section.categoryChanges, [], section.sectionId);
    t.is(section.gradeCalcOptions, null, section.sectionId);
    t.is(section.composites, null, section.sectionId);
    t.is(section.advisory, null, section.sectionId);
    t.deepEqual(
      section.after,
      before.sections.find((doc) => doc._id === section.sectionId)?.setup,
      section.sectionId,
    );
  }
  // The grades the push put in place, as the first preview computed them.
  t.deepEqual(termGrades(sectionOf(result, 'alg-1'), 'py-fall'), [
    grade('st1', 83.75, 83.75),
    grade('st2', 67.5, 67.5),
    grade('st3', 90, 90),
  ]);
  t.deepEqual(await snapshot(harness), before, 'the preview wrote to the database');
});

run('preview shows the grade impact of new weights', async (t) => {
  const { harness, admin } = t.context;
  const { assignments } = harness.runtime.database.collections;
  // The teacher files the assignments under the pushed course categories, which leaves the
  // teacher's own "Tests (1)" and "Homework (1)" empty.
  await assignments.updateMany(
    { _id: { $in: ['alg1-test1', 'alg1-test2'] } },
    { $set: { categoryId: 'course:tests' } },
  );
  await assignments.updateMany(
    { _id: { $in: ['alg1-hw1', 'alg1-hw2'] } },
    { $set: { categoryId: 'course:homework' } },
  );
  const update = await harness.request('PUT', '/courses/alg/grading-setup', {
    token: admin,
    body: {
      categories: [
        { id: 'tests', name: 'Tests', weight: 1, sequence: 1 },
        { id: 'homework', name: 'Homework', weight: 1, sequence: 2 },
      ],
    },
  });
  t.is(update.status, 200);
  const before = await snapshot(harness);

  // `confirm` is accepted and changes nothing in a preview.
  const result = await previewOk(t, '/courses/alg/pushes/preview', { confirm: true });

  t.deepEqual(result.scope, { kind: 'course', courseId: 'alg', calendarId });
  t.is(result.sectionsTotal, 2);
  t.deepEqual(
    result.sections.map((section) => section.sectionId),
    ['alg-1', 'alg-2'],
  );
  const alg1 = sectionOf(result, 'alg-1');
  t.deepEqual(alg1.changedItems, ['categories']);
  t.deepEqual(alg1.categoryChanges, [
    {
      kind: 'updated',
      categoryId: 'course:tests',
      name: 'Tests',
      fields: [{ field: 'weight', before: 2, after: 1 }],
    },
  ]);
  // Before: Tests weight 2, Homework weight 1. After: both weight 1.
  // st1: Tests 80%, Homework 95%: (80*2 + 95)/3 = 255/3 = 85.00 -> (80 + 95)/2 = 87.50
  // st2: Tests 70%, Homework 60% (hw1 exempt): (70*2 + 60)/3 = 200/3 = 66.67 -> (70 + 60)/2 = 65.00
  // st3: Tests only, so the weights cancel out: 90.00 -> 90.00
  t.deepEqual(termGrades(alg1, 'py-fall'), [
    grade('st1', 85, 87.5),
    grade('st2', 66.67, 65),
    grade('st3', 90, 90),
  ]);
  // Spring has one category with scores: 40/50 = 80.00 under any weights.
  t.deepEqual(termGrades(alg1, 'py-spring'), [grade('st1', 80, 80)]);
  t.is(alg1.grades?.studentsWithGradeChanges, 2);
  t.deepEqual(result.totals, {
    sections: 2,
    sectionsUpdated: 2,
    sectionsUnchanged: 0,
    studentsWithGradeChanges: 2,
  });

  // With overwrite, the teacher categories left without assignments would be removed.
  const overwrite = await previewOk(t, '/courses/alg/pushes/preview', {
    items: ['categories'],
    overwriteCategories: true,
  });
  t.deepEqual(overwrite.items, ['categories']);
  t.deepEqual(
    sectionOf(overwrite, 'alg-1')
      .categoryChanges.filter((change) => change.kind === 'removed')
      .map((change) => change.categoryId)
      .sort(),
    ['alg1-hw', 'alg1-tests'],
  );
  t.deepEqual(await snapshot(harness), before, 'the preview wrote to the database');
});

run('preview shows the grade impact of unweighted categories', async (t) => {
  const { harness, admin } = t.context;
  const update = await harness.request('PUT', '/courses/alg/grading-setup', {
    token: admin,
    body: { gradeCalcOptions: [weightedOption('py-fall', false), weightedOption('py-spring')] },
  });
  t.is(update.status, 200);
  const before = await snapshot(harness);

  const result = await previewOk(t, '/courses/alg/pushes/preview');

  const alg1 = sectionOf(result, 'alg-1');
  t.deepEqual(alg1.changedItems, ['categories', 'gradeCalcOptions']);
  t.true(alg1.gradeCalcOptions?.before[0]?.weightCategories);
  t.false(alg1.gradeCalcOptions?.after[0]?.weightCategories);
  // Before: weighted with Tests 2 and Homework 1 (the pushed setup). After: points in fall.
  // st1: (80 + 9 + 10)/(100 + 10 + 10) = 99/120 = 82.50
  // st2: the exempt hw1 leaves out its 10 points: (70 + 6)/(100 + 10) = 76/110 = 69.09
  //      (counting it as 0 would give 76/120 = 63.33)
  // st3: hw1 has no score: 90/100 = 90.00
  t.deepEqual(termGrades(alg1, 'py-fall'), [
    grade('st1', 85, 82.5),
    grade('st2', 66.67, 69.09),
    grade('st3', 90, 90),
  ]);
  t.deepEqual(termGrades(alg1, 'py-spring'), [grade('st1', 80, 80)]);
  t.is(alg1.grades?.studentsWithGradeChanges, 2);
  t.deepEqual(await snapshot(harness), before, 'the preview wrote to the database');

  const pushed = await pushAndWait(t, '/courses/alg/pushes');

  t.is(pushed.state, 'completed');
  t.like(pushed.progress, { sectionsUpdated: 2, sectionsUnchanged: 0 });
  const after = await snapshot(harness);
  for (const section of result.sections) {
    const doc = after.sections.find((entry) => entry._id === section.sectionId);
    t.deepEqual(doc?.setup, section.after, section.sectionId);
  }
  t.deepEqual(
    after.sections.find((doc) => doc._id === 'bio-1'),
    before.sections.find((doc) => doc._id === 'bio-1'),
  );

  const again = await previewOk(t, '/courses/alg/pushes/preview');
  t.is(again.totals.sectionsUpdated, 0);
  t.is(again.totals.studentsWithGradeChanges, 0);
  t.deepEqual(sectionOf(again, 'alg-1').categoryChanges, []);
  t.deepEqual(termGrades(sectionOf(again, 'alg-1'), 'py-fall'), [
    grade('st1', 82.5, 82.5),
    grade('st2', 69.09, 69.09),
    grade('st3', 90, 90),
  ]);
});

run('preview pages through sections with after', async (t) => {
  const whole = await previewOk(t, `/calendars/${calendarId}/pushes/preview`);
  const pages: PushPreview[] = [];
  let after: string | null = null;
  do {
    const query: string = after === null ? '' : `&after=${encodeURIComponent(after)}`;
    const page = await previewOk(t, `/calendars/${calendarId}/pushes/preview?limit=1${query}`);
    pages.push(page);
    after = page.nextAfter;
  } while (after !== null && pages.length < 10);

  t.deepEqual(
    pages.map((page) => page.sections.map((section) => section.sectionId)),
    [['alg-1'], ['alg-2'], ['bio-1']],
  );
  t.deepEqual(
    pages.map((page) => page.nextAfter),
    ['alg-1', 'alg-2', null],
  );
  for (const page of pages) t.is(page.sectionsTotal, 3);
  t.deepEqual(
    pages.flatMap((page) => page.sections),
    whole.sections,
  );
  t.is(
    pages.reduce((sum, page) => sum + page.totals.sectionsUnchanged, 0),
    whole.totals.sectionsUnchanged,
  );
});

run('preview rejects an invalid limit or item', async (t) => {
  const url = `/calendars/${calendarId}/pushes/preview`;
  const zero = await preview(t, `${url}?limit=0`);
  const tooMany = await preview(t, `${url}?limit=201`);
  const item = await preview(t, url, { items: ['grades'] });

  t.is(zero.status, 400);
  t.is(tooMany.status, 400);
  t.is(item.status, 400);
  t.regex(String(item.body.message), /items\.0/);
});

run('preview of an unknown calendar or course answers 404', async (t) => {
  const calendar = await preview(t, '/calendars/no-such-calendar/pushes/preview');
  const course = await preview(t, '/courses/no-such-course/pushes/preview');

  t.is(calendar.status, 404);
  t.regex(String(calendar.body.message), /no-such-calendar/);
  t.is(course.status, 404);
  t.regex(String(course.body.message), /no-such-course/);
});

run('preview needs an admin of the school', async (t) => {
  const { harness } = t.context;
  const teacher = await harness.token({ sub: 'tch1', role: 'teacher' });
  const otherAdmin = await harness.token({ sub: 'x', role: 'schoolAdmin', schools: ['elsewhere'] });
  const schoolAdmin = await harness.token({
    sub: 'y',
    role: 'schoolAdmin',
    schools: ['py-school'],
  });
  const url = `/calendars/${calendarId}/pushes/preview`;

  const anonymous = await harness.request('POST', url, { body: {} });
  const asTeacher = await preview(t, url, {}, teacher);
  const asTeacherCourse = await preview(t, '/courses/alg/pushes/preview', {}, teacher);
  const asOtherAdmin = await preview(t, url, {}, otherAdmin);
  const asSchoolAdmin = await preview(t, url, {}, schoolAdmin);

  t.is(anonymous.status, 401);
  t.is(asTeacher.status, 403);
  t.is(asTeacher.body.error, 'forbidden');
  t.is(asTeacherCourse.status, 403);
  t.is(asOtherAdmin.status, 403);
  t.is(asSchoolAdmin.status, 200);
});
