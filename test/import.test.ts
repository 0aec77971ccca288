import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import anyTest, { type TestFn } from 'ava';
import { BSON } from 'mongodb';
import { pino } from 'pino';
import { connectDatabase, type Collections, type Database } from '../src/db/mongo.js';
import { importOneRoster, IMPORT_KINDS, type ImportReport } from '../src/import/index.js';

const test = anyTest as TestFn<{ database: Database; tempDir: string }>;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const sharedOneRoster = path.resolve(repoRoot, '..', 'shared', 'data', 'oneroster');
const demoDistrict = path.join(repoRoot, 'demo', 'district');
const mongoUri = process.env.MONGODB_URI;
const hasSharedData = existsSync(sharedOneRoster);

const dbTest = mongoUri === undefined ? test.skip : test.serial;
const sharedDbTest = hasSharedData ? dbTest : test.skip;
if (mongoUri === undefined) {
  test('import database tests need MONGODB_URI', (t) => {
    t.log('MONGODB_URI is unset, so the database import tests are skipped');
    t.pass();
  });
}
if (!hasSharedData) {
  test('import sample bundles are missing', (t) => {
    t.log(`${sharedOneRoster} does not exist, so the sample bundle imports are skipped`);
    t.pass();
  });
}

const silent = pino({ level: 'silent' });

test.before(async (t) => {
  t.context.tempDir = await mkdtemp(path.join(os.tmpdir(), 'gradepush-import-'));
  if (mongoUri !== undefined) {
    const name = `gradepush_test_import_${randomBytes(4).toString('hex')}`;
    t.context.database = await connectDatabase(mongoUri, name);
  }
});

test.beforeEach(async (t) => {
  const database = t.context.database as Database | undefined;
  if (database !== undefined) {
    await Promise.all(
      Object.values(database.collections).map((collection: Collections[keyof Collections]) =>
        collection.deleteMany({}),
      ),
    );
  }
});

test.after.always(async (t) => {
  const database = t.context.database as Database | undefined;
  if (database !== undefined) {
    await database.db.dropDatabase();
    await database.close();
  }
  await rm(t.context.tempDir, { recursive: true, force: true });
});

function lines(...rows: string[]): string {
  return `${rows.join('\n')}\n`;
}

async function writeBundle(
  parent: string,
  name: string,
  files: Record<string, string>,
): Promise<string> {
  const folder = await mkdtemp(path.join(parent, `${name}-`));
  for (const [file, text] of Object.entries(files)) {
    await writeFile(path.join(folder, file), text);
  }
  return folder;
}

/** Serializes every document of every collection to BSON, keyed by collection and id. */
async function snapshot(collections: Collections): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  for (const kind of IMPORT_KINDS) {
    const documents = await collections[kind].find({}).toArray();
    for (const document of documents) {
      result.set(
        `${kind}/${document._id}`,
        Buffer.from(BSON.serialize(document)).toString('base64'),
      );
    }
  }
  return result;
}

function totals(report: ImportReport): { inserted: number; updated: number } {
  let inserted = 0;
  let updated = 0;
  for (const kind of IMPORT_KINDS) {
    inserted += report.counts[kind].inserted;
    updated += report.counts[kind].updated;
  }
  return { inserted, updated };
}

sharedDbTest('roster-hub-en imports its roster', async (t) => {
  const { collections } = t.context.database;
  const report = await importOneRoster(collections, path.join(sharedOneRoster, 'roster-hub-en'), {
    logger: silent,
  });
  t.is(report.version, '1.1');
  t.deepEqual(report.rejected, []);
  t.deepEqual(report.calendarIds, ['or0001-2021']);
  t.deepEqual(report.counts.schools, {
    read: 1,
    inserted: 1,
    updated: 0,
    unchanged: 0,
    rejected: 0,
  });
  t.is(report.counts.sections.inserted, 5);
  t.is(report.counts.people.inserted, 20);

  t.is(await collections.schools.countDocuments(), 1);
  const calendars = await collections.calendars.find({}).toArray();
  t.is(calendars.length, 1);
  t.is(calendars[0]?._id, 'or0001-2021');
  t.is(calendars[0]?.schoolYear, '2021');
  t.deepEqual(
    calendars[0]?.terms.map((term) => term.id),
    ['as0001', 'as0003', 'as0004', 'as0002'],
  );
  const courses = await collections.courses.find({}).sort({ _id: 1 }).toArray();
  t.deepEqual(
    courses.map((course) => [course._id, course.calendarId, course.link]),
    [
      ['co0001', 'or0001-2021', 'courseControlled'],
      ['co0002', 'or0001-2021', 'courseControlled'],
    ],
  );
  const sections = await collections.sections.find({}).sort({ _id: 1 }).toArray();
  t.is(sections.length, 5);
  for (const section of sections) {
    t.true(section.teacherIds.length > 0, `section ${section._id} has no teacher`);
    t.is(section.calendarId, 'or0001-2021');
    t.is(section.schoolId, 'or0001');
    t.is(section.version, 1);
  }
  t.deepEqual(sections[4]?.teacherIds, ['us0002']);

  // The manifest's misspelled key and the students enrolled as teachers are reported as warnings.
  t.true(
    report.warnings.some(
      (issue) => issue.file === 'manifest.csv' && issue.reason.includes('"fiel.demographics"'),
    ),
  );
  t.deepEqual(
    report.warnings.filter((issue) => issue.file === 'enrollments.csv').map((issue) => issue.line),
    [2, 3, 4, 5, 6],
  );
  const us0001 = await collections.people.findOne({ _id: 'us0001' });
  t.is(us0001?.role, 'student');
});

sharedDbTest('oneroster-1.1-base reports its rejected rows', async (t) => {
  const { collections } = t.context.database;
  const records: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      records.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      callback();
    },
  });
  const report = await importOneRoster(
    collections,
    path.join(sharedOneRoster, 'oneroster-1.1-base'),
    { logger: pino({ level: 'info' }, stream) },
  );
  t.is(report.counts.schools.inserted, 2);
  t.is(report.counts.people.inserted, 2);
  t.is(report.counts.sections.inserted, 0);
  t.is(report.counts.sections.rejected, 6);
  t.deepEqual(report.rejected.slice(0, 3), [
    {
      file: 'classes.csv',
      line: 2,
      reason: 'courseSourcedId is empty; term "1" not found in academicSessions.csv',
    },
    {
      file: 'classes.csv',
      line: 3,
      reason: 'courseSourcedId is empty; term "1" not found in academicSessions.csv',
    },
    {
      file: 'classes.csv',
      line: 4,
      reason: 'courseSourcedId is empty; term "1" not found in academicSessions.csv',
    },
  ]);
  t.is(await collections.sections.countDocuments(), 0);
  const logged = records.find((record) => record.msg === 'import rejected a row');
  t.is(logged?.file, 'classes.csv');
  t.is(logged?.line, 2);
});

dbTest('quoted CRLF bundle with BOM and vendor columns', async (t) => {
  const { collections } = t.context.database;
  const crlf = (...rows: string[]): string => `${rows.join('\r\n')}\r\n`;
  const folder = await writeBundle(t.context.tempDir, 'quirks', {
    'manifest.csv': crlf(
      '"propertyName","value"',
      '"oneroster.version","1.1"',
      '"file.orgs","bulk"',
      '"file.academicSessions","bulk"',
      '"file.courses","bulk"',
      '"file.classes","bulk"',
      '"file.enrollments","bulk"',
      '"file.users","bulk"',
      '"file.results","absent"',
      '"file.categories","bulk"',
    ),
    'orgs.csv':
      '\uFEFF' +
      crlf(
        '"sourcedId","status","name","type","ext_vendor_code","metadata.region"',
        '"sch-1","active","St. Mary\'s, Upper ""Campus""","school","X1","north"',
      ),
    'academicSessions.csv': crlf(
      'sourcedId,title,type,startDate,endDate,parentSourcedId,schoolYear',
      't-1,"Fall\r\nterm",term,2024-08-20,2024-12-20,,2025',
    ),
    'courses.csv': crlf(
      'sourcedId,title,courseCode,orgSourcedId,schoolYearSourcedId,metadata.duration',
      'c-1,"Math, Applied",M1,sch-1,,year',
    ),
    'classes.csv': crlf(
      'sourcedId,title,course.sourcedId,classCode,classType,school.sourcedId,terms.sourcedId,ext_room',
      'k-1,"Math, Applied - 1",c-1,M1-1,scheduled,sch-1,t-1,101',
    ),
    'enrollments.csv': crlf('sourcedId,class.sourcedId,user.sourcedId,role', 'e-1,k-1,u-1,teacher'),
    'users.csv': crlf(
      'sourcedId,role,givenName,familyName,orgSourcedIds,email,ext_password',
      'u-1,teacher,"Ana ""AJ""",Lima,sch-1,ana@school.example,secret',
    ),
    'results.csv': 'an unclosed "quote, which fails if the file is parsed\r\n',
  });
  const report = await importOneRoster(collections, folder, { logger: silent });
  t.deepEqual(report.rejected, []);
  t.deepEqual(
    report.warnings.map((issue) => [issue.file, issue.line]),
    [['manifest.csv', 10]],
  );
  t.regex(
    report.warnings[0]?.reason ?? '',
    /categories\.csv is declared "bulk" but does not exist/,
  );

  const school = await collections.schools.findOne({ _id: 'sch-1' });
  t.is(school?.name, 'St. Mary\'s, Upper "Campus"');
  t.false(Object.keys(school ?? {}).some((key) => key.startsWith('ext_') || key.includes('.')));
  const calendar = await collections.calendars.findOne({ _id: 'sch-1-2025' });
  t.is(calendar?.terms[0]?.title, 'Fall\nterm');
  const section = await collections.sections.findOne({ _id: 'k-1' });
  t.is(section?.title, 'Math, Applied - 1');
  t.is(section?.courseId, 'c-1');
  t.deepEqual(section?.termIds, ['t-1']);
  t.deepEqual(section?.teacherIds, ['u-1']);
  const person = await collections.people.findOne({ _id: 'u-1' });
  t.is(person?.givenName, 'Ana "AJ"');
  t.false(Object.keys(person ?? {}).includes('ext_password'));
});

dbTest('gradebook files become assignments and scores', async (t) => {
  const { collections } = t.context.database;
  const folder = await writeBundle(t.context.tempDir, 'gradebook', {
    'orgs.csv': lines('sourcedId,name,type', 'sch-1,School One,school'),
    'academicSessions.csv': lines(
      'sourcedId,title,type,startDate,endDate,parentSourcedId,schoolYear',
      'sy,2025-26,schoolYear,2025-08-01,2026-06-30,,2026',
      'gp1,Q1,gradingPeriod,2025-08-01,2025-10-31,sy,2026',
    ),
    'courses.csv': lines(
      'sourcedId,title,orgSourcedId,schoolYearSourcedId',
      'c-1,Chemistry,sch-1,sy',
    ),
    'classes.csv': lines(
      'sourcedId,title,courseSourcedId,schoolSourcedId,termSourcedIds',
      'k-1,Chemistry 1,c-1,sch-1,gp1',
    ),
    'users.csv': lines(
      'sourcedId,role,givenName,familyName',
      't-1,teacher,Tia,Lee',
      's-1,student,Sol,Ruiz',
      's-2,student,Kim,Park',
    ),
    'enrollments.csv': lines(
      'sourcedId,classSourcedId,userSourcedId,role',
      'e-1,k-1,t-1,teacher',
      'e-2,k-1,s-1,student',
      'e-3,k-1,s-2,student',
    ),
    'categories.csv': lines('sourcedId,title,weight', 'cat-lab,Labs,2', 'cat-hw,Homework,1'),
    'lineItems.csv': lines(
      'sourcedId,title,classSourcedId,categorySourcedId,gradingPeriodSourcedId,dueDate,resultValueMax',
      'li-1,Lab 1,k-1,cat-lab,gp1,2025-09-12,20',
      'li-2,HW 1,k-1,cat-hw,gp1,2025-09-05,10',
    ),
    'results.csv': lines(
      'sourcedId,lineItemSourcedId,studentSourcedId,scoreStatus,score,comment',
      'r-1,li-1,s-1,fully graded,18,Clean work',
      'r-2,li-1,s-2,exempt,,',
      'r-3,li-2,s-1,partially graded,7.5,',
    ),
  });
  const report = await importOneRoster(collections, folder, { logger: silent });
  t.deepEqual(report.rejected, []);
  t.is(report.version, 'unknown');
  t.is(report.counts.assignments.inserted, 2);
  t.is(report.counts.scores.inserted, 3);

  const assignment = await collections.assignments.findOne({ _id: 'li-1' });
  t.is(assignment?.sectionId, 'k-1');
  t.is(assignment?.categoryId, 'cat-lab');
  t.is(assignment?.possiblePoints, 20);
  t.is(assignment?.termId, 'gp1');
  t.is(assignment?.dueDate, '2025-09-12');
  const exempt = await collections.scores.findOne({ _id: 'r-2' });
  t.is(exempt?.exempt, true);
  t.is(exempt?.score, null);
  t.is(exempt?.status, 'exempt');
  const partial = await collections.scores.findOne({ _id: 'r-3' });
  t.is(partial?.score, 7.5);
  t.is(partial?.sectionId, 'k-1');
  const section = await collections.sections.findOne({ _id: 'k-1' });
  t.deepEqual(
    section?.setup.categories.map((category) => [category.id, category.name, category.weight]),
    [
      ['cat-lab', 'Labs', 2],
      ['cat-hw', 'Homework', 1],
    ],
  );
});

dbTest('re-import of the demo district changes nothing', async (t) => {
  const { collections } = t.context.database;
  const first = await importOneRoster(collections, demoDistrict, { logger: silent });
  t.true(totals(first).inserted > 0);
  const before = await snapshot(collections);

  const second = await importOneRoster(collections, demoDistrict, { logger: silent });
  t.deepEqual(totals(second), { inserted: 0, updated: 0 });
  for (const kind of IMPORT_KINDS) {
    t.is(second.counts[kind].unchanged, first.counts[kind].inserted, `${kind} unchanged`);
  }
  const after = await snapshot(collections);
  t.is(after.size, before.size);
  t.deepEqual(after, before);
});

dbTest('re-import keeps setup written after import', async (t) => {
  const { collections } = t.context.database;
  const folder = path.join(t.context.tempDir, 'district-copy');
  await cp(demoDistrict, folder, { recursive: true });
  await importOneRoster(collections, folder, { logger: silent });

  // A push and an administrator change grading setup after the first import.
  const courseSetup = {
    categories: [{ id: 'tests', name: 'Tests', weight: 2, sequence: 1 }],
    gradeCalcOptions: [],
    composites: [],
    advisory: true,
  };
  await collections.courses.updateOne(
    { _id: 'n-alg1' },
    {
      $set: {
        setup: courseSetup,
        'versions.categories': 3,
        link: 'linked',
        courseMasterId: 'cm-1',
      },
    },
  );
  await collections.sections.updateOne(
    { _id: 'n-alg1-p1' },
    { $set: { 'setup.advisory': true }, $inc: { version: 1 } },
  );

  // The next export renames one class and moves a second teacher into another.
  const classesFile = path.join(folder, 'classes.csv');
  const classes = await readFile(classesFile, 'utf8');
  await writeFile(classesFile, classes.replace('Algebra I - Period 1,', 'Algebra I - Period 1A,'));
  const enrollmentsFile = path.join(folder, 'enrollments.csv');
  const enrollments = await readFile(enrollmentsFile, 'utf8');
  await writeFile(
    enrollmentsFile,
    `${enrollments}enr-extra,active,2025-08-01T12:00:00.000Z,n-bio-p2,north-high,n-t05,teacher,false,,\n`,
  );

  const report = await importOneRoster(collections, folder, { logger: silent });
  t.deepEqual(report.rejected, []);
  t.is(report.counts.sections.updated, 2);
  t.is(report.counts.courses.updated, 0);
  t.is(report.counts.sections.inserted, 0);

  const course = await collections.courses.findOne({ _id: 'n-alg1' });
  t.deepEqual(course?.setup, courseSetup);
  t.is(course?.versions.categories, 3);
  t.is(course?.link, 'linked');
  t.is(course?.courseMasterId, 'cm-1');
  const renamed = await collections.sections.findOne({ _id: 'n-alg1-p1' });
  t.is(renamed?.title, 'Algebra I - Period 1A');
  t.is(renamed?.setup.advisory, true);
  t.is(renamed?.setup.categories.length, 3);
  t.is(renamed?.version, 3);
  const cotaught = await collections.sections.findOne({ _id: 'n-bio-p2' });
  t.deepEqual(cotaught?.teacherIds, ['n-t02', 'n-t05']);
  t.is(cotaught?.version, 2);
});

dbTest('demo district imports cleanly', async (t) => {
  const { collections } = t.context.database;
  const report = await importOneRoster(collections, demoDistrict, { logger: silent });
  t.is(report.version, '1.2');
  t.deepEqual(report.rejected, []);
  t.deepEqual(report.warnings, []);
  t.deepEqual(report.calendarIds, ['north-2026', 'south-2026']);
  const inserted = Object.fromEntries(
    IMPORT_KINDS.map((kind) => [kind, report.counts[kind].inserted]),
  );
  t.deepEqual(inserted, {
    schools: 2,
    people: 63,
    calendars: 2,
    courses: 8,
    sections: 19,
    assignments: 57,
    scores: 240,
  });
  t.is(await collections.scores.countDocuments({ exempt: true }), 1);
  const teacherless = await collections.sections.countDocuments({ teacherIds: { $size: 0 } });
  t.is(teacherless, 0);

  // Sections whose categories share a name with the sample course setup's "Homework": Algebra I
  // has teacher categories of its own, and Biology uses the course category's own id.
  const collisions = await collections.sections
    .find({ 'setup.categories.name': { $in: ['Homework', 'homework '] } })
    .sort({ _id: 1 })
    .toArray();
  t.deepEqual(
    collisions.map((section) => section._id),
    ['n-alg1-p1', 'n-alg1-p3', 'n-alg1-p5', 'n-bio-p2', 'n-bio-p4'],
  );
  const biology = await collections.sections.findOne({ _id: 'n-bio-p2' });
  t.deepEqual(biology?.setup.categories.map((category) => category.id).sort(), [
    'homework',
    'n-bio-p2-labs',
    'tests',
  ]);
  const lowerCase = await collections.assignments
    .find({ categoryId: 'n-alg1-p5-homework' })
    .toArray();
  t.is(lowerCase.length, 1);
  t.is(await collections.scores.countDocuments({ assignmentId: lowerCase[0]?._id }), 0);
});

dbTest('missing folder raises an error', async (t) => {
  const { collections } = t.context.database;
  const missing = path.join(t.context.tempDir, 'no-such-bundle');
  await t.throwsAsync(importOneRoster(collections, missing, { logger: silent }), {
    message: `OneRoster folder "${missing}" not found or not a directory`,
  });
});
