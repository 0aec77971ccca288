/**
 * Writes the demo district, a small OneRoster 1.2 CSV bundle, to demo/district (or to the folder
 * given as the first argument). The output is deterministic: scores come from a seeded generator.
 *
 *   npx tsc -p tsconfig.json && node dist/scripts/generate-demo-district.js
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
const LAST_MODIFIED = '2025-08-01T12:00:00.000Z';
const STUDENTS_PER_SECTION = 10;

interface School {
  id: string;
  name: string;
  identifier: string;
  /** Prefix of user sourcedIds and usernames. */
  code: string;
  studentCount: number;
  grade: string;
}

interface Session {
  id: string;
  title: string;
  type: 'schoolYear' | 'semester' | 'gradingPeriod';
  startDate: string;
  endDate: string;
  parentId: string;
}

interface CategoryTemplate {
  title: string;
  weight: number;
  /**
   * Set for a category of the sample course setup: every section then uses this one OneRoster
   * category, whose sourcedId is the course category's id, as an export from the system that
   * pushed it has. Without it, each section gets a category of its own.
   */
  sourcedId?: string;
}

interface Course {
  id: string;
  schoolId: string;
  title: string;
  courseCode: string;
  /** Left empty on one course so that the import derives the school year from its classes. */
  schoolYearId: string;
  subject: string;
  categories: CategoryTemplate[];
}

interface Section {
  id: string;
  courseId: string;
  title: string;
  classCode: string;
  termIds: string[];
  period: string;
  teacherIds: string[];
  /** Replaces the course's category templates for this section. */
  categories?: CategoryTemplate[];
}

const DISTRICT = { id: 'maple-district', name: 'Maple Valley School District' };

const SCHOOLS: School[] = [
  {
    id: 'north-high',
    name: 'Maple Valley North High School',
    identifier: 'MV-NHS',
    code: 'n',
    studentCount: 30,
    grade: '09',
  },
  {
    id: 'south-middle',
    name: 'Maple Valley South Middle School',
    identifier: 'MV-SMS',
    code: 's',
    studentCount: 24,
    grade: '07',
  },
];

const SCHOOL_YEAR = '2026';

const SESSIONS: Session[] = [
  {
    id: 'north-2026',
    title: 'North High 2025-2026',
    type: 'schoolYear',
    startDate: '2025-08-18',
    endDate: '2026-06-05',
    parentId: '',
  },
  {
    id: 'north-s1',
    title: 'Semester 1',
    type: 'semester',
    startDate: '2025-08-18',
    endDate: '2026-01-16',
    parentId: 'north-2026',
  },
  {
    id: 'north-s2',
    title: 'Semester 2',
    type: 'semester',
    startDate: '2026-01-20',
    endDate: '2026-06-05',
    parentId: 'north-2026',
  },
  {
    id: 'south-2026',
    title: 'South Middle 2025-2026',
    type: 'schoolYear',
    startDate: '2025-08-25',
    endDate: '2026-06-12',
    parentId: '',
  },
  {
    id: 'south-q1',
    title: 'Quarter 1',
    type: 'gradingPeriod',
    startDate: '2025-08-25',
    endDate: '2025-10-31',
    parentId: 'south-2026',
  },
  {
    id: 'south-q2',
    title: 'Quarter 2',
    type: 'gradingPeriod',
    startDate: '2025-11-03',
    endDate: '2026-01-23',
    parentId: 'south-2026',
  },
  {
    id: 'south-q3',
    title: 'Quarter 3',
    type: 'gradingPeriod',
    startDate: '2026-01-26',
    endDate: '2026-03-27',
    parentId: 'south-2026',
  },
  {
    id: 'south-q4',
    title: 'Quarter 4',
    type: 'gradingPeriod',
    startDate: '2026-03-30',
    endDate: '2026-06-12',
    parentId: 'south-2026',
  },
];

// "Homework" is also a category of the sample course grading setup (demo/grading-setup.json),
// so pushing that setup renames these teacher categories to "Homework (1)".
const COURSES: Course[] = [
  {
    id: 'n-alg1',
    schoolId: 'north-high',
    title: 'Algebra I',
    courseCode: 'MATH101',
    schoolYearId: 'north-2026',
    subject: 'Mathematics',
    categories: [
      { title: 'Homework', weight: 1 },
      { title: 'Quizzes', weight: 1 },
      { title: 'Unit Tests', weight: 3 },
    ],
  },
  {
    id: 'n-bio',
    schoolId: 'north-high',
    title: 'Biology',
    courseCode: 'SCI110',
    schoolYearId: 'north-2026',
    subject: 'Science',
    // Biology's gradebook already uses the course categories "Tests" and "Homework" of the
    // sample setup, so a weight change in that setup changes its students' grades.
    categories: [
      { title: 'Tests', weight: 2, sourcedId: 'tests' },
      { title: 'Homework', weight: 1, sourcedId: 'homework' },
      { title: 'Labs', weight: 2 },
    ],
  },
  {
    id: 'n-eng9',
    schoolId: 'north-high',
    title: 'English 9',
    courseCode: 'ENG090',
    schoolYearId: 'north-2026',
    subject: 'English Language Arts',
    categories: [
      { title: 'Reading Journal', weight: 1 },
      { title: 'Essays', weight: 2 },
      { title: 'Presentations', weight: 1 },
    ],
  },
  {
    id: 'n-hist',
    schoolId: 'north-high',
    title: 'World History',
    courseCode: 'HIS100',
    schoolYearId: '',
    subject: 'Social Studies',
    categories: [
      { title: 'Classwork', weight: 1 },
      { title: 'Projects', weight: 2 },
      { title: 'Tests', weight: 2 },
    ],
  },
  {
    id: 's-math7',
    schoolId: 'south-middle',
    title: 'Math 7',
    courseCode: 'M7',
    schoolYearId: 'south-2026',
    subject: 'Mathematics',
    categories: [
      { title: 'Practice', weight: 1 },
      { title: 'Quizzes', weight: 1 },
      { title: 'Tests', weight: 2 },
    ],
  },
  {
    id: 's-sci7',
    schoolId: 'south-middle',
    title: 'Science 7',
    courseCode: 'S7',
    schoolYearId: 'south-2026',
    subject: 'Science',
    categories: [
      { title: 'Labs', weight: 2 },
      { title: 'Notebook', weight: 1 },
      { title: 'Tests', weight: 2 },
    ],
  },
  {
    id: 's-eng7',
    schoolId: 'south-middle',
    title: 'English 7',
    courseCode: 'E7',
    schoolYearId: 'south-2026',
    subject: 'English Language Arts',
    categories: [
      { title: 'Reading', weight: 1 },
      { title: 'Writing', weight: 2 },
      { title: 'Vocabulary', weight: 1 },
    ],
  },
  {
    id: 's-art',
    schoolId: 'south-middle',
    title: 'Art & Design',
    courseCode: 'ART7',
    schoolYearId: 'south-2026',
    subject: 'Visual Arts',
    categories: [
      { title: 'Sketchbook', weight: 1 },
      { title: 'Studio Projects', weight: 3 },
      { title: 'Critique', weight: 1 },
    ],
  },
];

const NORTH_YEAR = ['north-s1', 'north-s2'];
const SOUTH_QUARTERS = ['south-q1', 'south-q2', 'south-q3', 'south-q4'];

const SECTIONS: Section[] = [
  {
    id: 'n-alg1-p1',
    courseId: 'n-alg1',
    title: 'Algebra I - Period 1',
    classCode: 'ALG1-01',
    termIds: NORTH_YEAR,
    period: '1',
    teacherIds: ['n-t01'],
  },
  {
    id: 'n-alg1-p3',
    courseId: 'n-alg1',
    title: 'Algebra I - Period 3',
    classCode: 'ALG1-03',
    termIds: NORTH_YEAR,
    period: '3',
    teacherIds: ['n-t01'],
  },
  {
    // The trailing space and lower case are deliberate: category names compare after trimming
    // and ignoring case, so "homework " also collides with the course's "Homework".
    id: 'n-alg1-p5',
    courseId: 'n-alg1',
    title: 'Algebra I - Period 5',
    classCode: 'ALG1-05',
    termIds: NORTH_YEAR,
    period: '5',
    teacherIds: ['n-t01'],
    categories: [
      { title: 'Quizzes', weight: 1 },
      { title: 'Unit Tests', weight: 3 },
      { title: 'homework ', weight: 1 },
    ],
  },
  {
    id: 'n-bio-p2',
    courseId: 'n-bio',
    title: 'Biology - Period 2',
    classCode: 'BIO-02',
    termIds: NORTH_YEAR,
    period: '2',
    teacherIds: ['n-t02'],
  },
  {
    id: 'n-bio-p4',
    courseId: 'n-bio',
    title: 'Biology - Period 4',
    classCode: 'BIO-04',
    termIds: NORTH_YEAR,
    period: '4',
    teacherIds: ['n-t02'],
  },
  {
    id: 'n-eng9-p1',
    courseId: 'n-eng9',
    title: 'English 9, Honors - Period 1',
    classCode: 'ENG9-01H',
    termIds: NORTH_YEAR,
    period: '1',
    teacherIds: ['n-t03', 'n-t04'],
  },
  {
    id: 'n-eng9-p2',
    courseId: 'n-eng9',
    title: 'English 9 - Period 2',
    classCode: 'ENG9-02',
    termIds: NORTH_YEAR,
    period: '2',
    teacherIds: ['n-t03'],
  },
  {
    id: 'n-eng9-p6',
    courseId: 'n-eng9',
    title: 'English 9 - Period 6',
    classCode: 'ENG9-06',
    termIds: NORTH_YEAR,
    period: '6',
    teacherIds: ['n-t04'],
  },
  {
    id: 'n-hist-p3',
    courseId: 'n-hist',
    title: 'World History - Period 3 (Fall)',
    classCode: 'HIS-03F',
    termIds: ['north-s1'],
    period: '3',
    teacherIds: ['n-t05'],
  },
  {
    id: 'n-hist-p4',
    courseId: 'n-hist',
    title: 'World History - Period 4 (Spring)',
    classCode: 'HIS-04S',
    termIds: ['north-s2'],
    period: '4',
    teacherIds: ['n-t05'],
  },
  {
    // A whole-year class may name the school year session instead of its quarters.
    id: 's-math7-a',
    courseId: 's-math7',
    title: 'Math 7 - A',
    classCode: 'M7-A',
    termIds: ['south-2026'],
    period: '1',
    teacherIds: ['s-t01'],
  },
  {
    id: 's-math7-b',
    courseId: 's-math7',
    title: 'Math 7 - B',
    classCode: 'M7-B',
    termIds: SOUTH_QUARTERS,
    period: '2',
    teacherIds: ['s-t01'],
  },
  {
    id: 's-math7-c',
    courseId: 's-math7',
    title: 'Math 7 - C',
    classCode: 'M7-C',
    termIds: SOUTH_QUARTERS,
    period: '4',
    teacherIds: ['s-t01'],
  },
  {
    id: 's-sci7-a',
    courseId: 's-sci7',
    title: 'Science 7 - A',
    classCode: 'S7-A',
    termIds: SOUTH_QUARTERS,
    period: '3',
    teacherIds: ['s-t02'],
  },
  {
    id: 's-sci7-b',
    courseId: 's-sci7',
    title: 'Science 7 - B',
    classCode: 'S7-B',
    termIds: SOUTH_QUARTERS,
    period: '5',
    teacherIds: ['s-t02'],
  },
  {
    id: 's-eng7-a',
    courseId: 's-eng7',
    title: 'English 7 - A',
    classCode: 'E7-A',
    termIds: SOUTH_QUARTERS,
    period: '2',
    teacherIds: ['s-t03'],
  },
  {
    id: 's-eng7-b',
    courseId: 's-eng7',
    title: 'English 7 - B',
    classCode: 'E7-B',
    termIds: SOUTH_QUARTERS,
    period: '6',
    teacherIds: ['s-t03'],
  },
  {
    id: 's-art-a',
    courseId: 's-art',
    title: 'Art & Design - Fall',
    classCode: 'ART7-F',
    termIds: ['south-q1', 'south-q2'],
    period: '5',
    teacherIds: ['s-t04'],
  },
  {
    id: 's-art-b',
    courseId: 's-art',
    title: 'Art & Design - Spring',
    classCode: 'ART7-S',
    termIds: ['south-q3', 'south-q4'],
    period: '5',
    teacherIds: ['s-t04'],
  },
];

const TEACHERS = [
  { id: 'n-t01', schoolId: 'north-high', givenName: 'Rosa', familyName: 'Delgado' },
  { id: 'n-t02', schoolId: 'north-high', givenName: 'Samuel', familyName: 'Okafor' },
  { id: 'n-t03', schoolId: 'north-high', givenName: 'Helen', familyName: "O'Brien" },
  { id: 'n-t04', schoolId: 'north-high', givenName: 'Daniel', familyName: 'Kim' },
  { id: 'n-t05', schoolId: 'north-high', givenName: 'Priya', familyName: 'Raman' },
  { id: 's-t01', schoolId: 'south-middle', givenName: 'Mark', familyName: 'Jensen' },
  { id: 's-t02', schoolId: 'south-middle', givenName: 'Alicia', familyName: 'Moreno' },
  { id: 's-t03', schoolId: 'south-middle', givenName: 'Grace', familyName: 'Whitfield' },
  { id: 's-t04', schoolId: 'south-middle', givenName: 'Tomas', familyName: 'Novak' },
];

const GIVEN_NAMES = (
  'Ava Liam Maya Noah Zoe Ethan Lena Omar Chloe Lucas Ines Mateo Nora Kai Aria ' +
  'Felix Ivy Hugo Leah Ravi Sofia Jonah Mila Theo Yuki Elias Ruby Arjun Clara Owen'
).split(' ');
const FAMILY_NAMES = (
  'Anderson Baptiste Chen Dubois Evans Fischer Garcia Hassan Ito Johansson Kowalski Lopez ' +
  'Mbeki Nguyen Ortiz Patel Quinn Rossi Schmidt Tanaka Usman Vargas Walsh Xu Yilmaz Zhang ' +
  'Silva Murphy Novak Larsen'
).split(' ');

/** Returns a deterministic pseudo-random generator (mulberry32) of numbers in [0, 1). */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Quotes a CSV field when it contains a delimiter, a quote, a line break or edge spaces. */
function csvField(value: string | number | boolean): string {
  const text = String(value);
  if (/[",\r\n]/.test(text) || text !== text.trim()) {
    return `"${text.replace(/"/g, '""')}"`;
  }
  return text;
}

function csv(
  header: readonly string[],
  rows: readonly (readonly (string | number | boolean)[])[],
): string {
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\n') + '\n';
}

function find<T extends { id: string }>(items: readonly T[], id: string): T {
  const item = items.find((candidate) => candidate.id === id);
  if (item === undefined) {
    throw new Error(`demo data refers to "${id}", which is not defined`);
  }
  return item;
}

function studentIds(school: School): string[] {
  return Array.from(
    { length: school.studentCount },
    (_, index) => `${school.code}-st${String(index + 1).padStart(2, '0')}`,
  );
}

/** Picks the students of a section: a run of the school's students that shifts per section. */
function sectionStudents(section: Section): string[] {
  const course = find(COURSES, section.courseId);
  const school = find(SCHOOLS, course.schoolId);
  const pool = studentIds(school);
  const sectionsOfSchool = SECTIONS.filter(
    (candidate) => find(COURSES, candidate.courseId).schoolId === school.id,
  );
  const start = (sectionsOfSchool.indexOf(section) * 7) % pool.length;
  return Array.from(
    { length: STUDENTS_PER_SECTION },
    (_, offset) => pool[(start + offset) % pool.length] ?? '',
  );
}

function sectionCategories(section: Section): { id: string; title: string; weight: number }[] {
  const templates = section.categories ?? find(COURSES, section.courseId).categories;
  return templates.map((template) => ({
    id:
      template.sourcedId ??
      `${section.id}-${template.title
        .trim()
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')}`,
    title: template.title,
    weight: template.weight,
  }));
}

/** Keeps the first of each id: sections share the categories of the sample course setup. */
function uniqueById<T extends { id: string }>(items: T[]): T[] {
  return items.filter((item, index) => items.findIndex((other) => other.id === item.id) === index);
}

function addDays(date: string, days: number): string {
  const value = new Date(`${date}T00:00:00Z`);
  value.setUTCDate(value.getUTCDate() + days);
  return value.toISOString().slice(0, 10);
}

interface LineItem {
  id: string;
  sectionId: string;
  categoryId: string;
  title: string;
  assignDate: string;
  dueDate: string;
  gradingPeriodId: string;
  maxPoints: number;
  /** Position among the section's line items, counted from 0. */
  position: number;
}

const MAX_POINTS = [20, 10, 100];

function lineItems(): LineItem[] {
  return SECTIONS.flatMap((section) => {
    const firstTermId = section.termIds[0] ?? '';
    const term = find(SESSIONS, firstTermId);
    // A class that names the school year has its line items in the first quarter.
    const gradingPeriod = term.type === 'schoolYear' ? find(SESSIONS, 'south-q1') : term;
    return sectionCategories(section).map((category, position) => {
      const assignDate = addDays(gradingPeriod.startDate, 14 + position * 10);
      return {
        id: `${section.id}-li${position + 1}`,
        sectionId: section.id,
        categoryId: category.id,
        title: `${category.title.trim()} #1`,
        assignDate,
        dueDate: addDays(assignDate, 7),
        gradingPeriodId: gradingPeriod.id,
        maxPoints: MAX_POINTS[position] ?? 10,
        position,
      };
    });
  });
}

/**
 * Results exist for each section's first line item, and in Algebra I and Biology for the second
 * too.
 */
function hasResults(item: LineItem): boolean {
  const courseId = find(SECTIONS, item.sectionId).courseId;
  return item.position === 0 || (['n-alg1', 'n-bio'].includes(courseId) && item.position === 1);
}

function resultRows(items: readonly LineItem[]): (string | number)[][] {
  const random = seededRandom(2026);
  const rows: (string | number)[][] = [];
  for (const item of items.filter(hasResults)) {
    const students = sectionStudents(find(SECTIONS, item.sectionId));
    students.forEach((studentId, index) => {
      let status = 'fully graded';
      let score = '';
      let comment = '';
      if (item.id === 'n-alg1-p1-li1' && index === 0) {
        status = 'exempt';
        comment = 'Excused: family emergency';
      } else if (index === STUDENTS_PER_SECTION - 1 && item.position === 0) {
        status = 'not submitted';
      } else {
        const fraction = 0.55 + random() * 0.45;
        score = String(Math.round(fraction * item.maxPoints * 2) / 2);
        if (fraction > 0.97) {
          comment = 'Excellent work, see "extension" task';
        }
      }
      rows.push([
        `${item.id}-${studentId}`,
        'active',
        LAST_MODIFIED,
        item.id,
        studentId,
        status,
        score,
        status === 'fully graded' ? item.dueDate : '',
        comment,
      ]);
    });
  }
  return rows;
}

function buildFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  const present = [
    'academicSessions',
    'categories',
    'classes',
    'courses',
    'enrollments',
    'lineItems',
    'orgs',
    'results',
    'roles',
    'users',
  ];
  const declared = [
    'academicSessions',
    'categories',
    'classes',
    'classResources',
    'courses',
    'courseResources',
    'demographics',
    'enrollments',
    'lineItemLearningObjectiveIds',
    'lineItems',
    'lineItemScoreScales',
    'orgs',
    'resources',
    'resultLearningObjectiveIds',
    'results',
    'resultScoreScales',
    'roles',
    'scoreScales',
    'userProfiles',
    'userResources',
    'users',
  ];
  files['manifest.csv'] = csv(
    ['propertyName', 'value'],
    [
      ['manifest.version', '1.0'],
      ['oneroster.version', '1.2'],
      ...declared.map((name) => [`file.${name}`, present.includes(name) ? 'bulk' : 'absent']),
      ['source.systemName', 'gradepush demo district generator'],
      ['source.systemCode', 'gradepush-demo'],
    ],
  );

  files['orgs.csv'] = csv(
    ['sourcedId', 'status', 'dateLastModified', 'name', 'type', 'identifier', 'parentSourcedId'],
    [
      [DISTRICT.id, 'active', LAST_MODIFIED, DISTRICT.name, 'district', 'MV', ''],
      ...SCHOOLS.map((school) => [
        school.id,
        'active',
        LAST_MODIFIED,
        school.name,
        'school',
        school.identifier,
        DISTRICT.id,
      ]),
    ],
  );

  files['academicSessions.csv'] = csv(
    [
      'sourcedId',
      'status',
      'dateLastModified',
      'title',
      'type',
      'startDate',
      'endDate',
      'parentSourcedId',
      'schoolYear',
    ],
    SESSIONS.map((session) => [
      session.id,
      'active',
      LAST_MODIFIED,
      session.title,
      session.type,
      session.startDate,
      session.endDate,
      session.parentId,
      SCHOOL_YEAR,
    ]),
  );

  files['courses.csv'] = csv(
    [
      'sourcedId',
      'status',
      'dateLastModified',
      'schoolYearSourcedId',
      'title',
      'courseCode',
      'grades',
      'orgSourcedId',
      'subjects',
      'subjectCodes',
    ],
    COURSES.map((course) => [
      course.id,
      'active',
      LAST_MODIFIED,
      course.schoolYearId,
      course.title,
      course.courseCode,
      find(SCHOOLS, course.schoolId).grade,
      course.schoolId,
      course.subject,
      '',
    ]),
  );

  files['classes.csv'] = csv(
    [
      'sourcedId',
      'status',
      'dateLastModified',
      'title',
      'grades',
      'courseSourcedId',
      'classCode',
      'classType',
      'location',
      'schoolSourcedId',
      'termSourcedIds',
      'subjects',
      'subjectCodes',
      'periods',
    ],
    SECTIONS.map((section) => {
      const course = find(COURSES, section.courseId);
      return [
        section.id,
        'active',
        LAST_MODIFIED,
        section.title,
        find(SCHOOLS, course.schoolId).grade,
        course.id,
        section.classCode,
        'scheduled',
        `Room ${100 + SECTIONS.indexOf(section)}`,
        course.schoolId,
        section.termIds.join(','),
        course.subject,
        '',
        section.period,
      ];
    }),
  );

  const users = [
    ...TEACHERS.map((teacher) => ({ ...teacher, role: 'teacher', grade: '' })),
    ...SCHOOLS.flatMap((school) =>
      studentIds(school).map((id, index) => ({
        id,
        schoolId: school.id,
        givenName: GIVEN_NAMES[index % GIVEN_NAMES.length] ?? '',
        familyName:
          FAMILY_NAMES[(index * 7 + (school.id === 'north-high' ? 0 : 3)) % FAMILY_NAMES.length] ??
          '',
        role: 'student',
        grade: school.grade,
      })),
    ),
  ];
  files['users.csv'] = csv(
    [
      'sourcedId',
      'status',
      'dateLastModified',
      'enabledUser',
      'username',
      'userIds',
      'givenName',
      'familyName',
      'middleName',
      'identifier',
      'email',
      'sms',
      'phone',
      'agentSourcedIds',
      'grades',
      'password',
      'userMasterIdentifier',
      'resourceSourcedIds',
      'preferredGivenName',
      'preferredMiddleName',
      'preferredFamilyName',
      'primaryOrgSourcedId',
      'pronouns',
    ],
    users.map((user) => {
      const username = `${user.givenName}.${user.familyName}`.toLowerCase().replace(/[^a-z.]/g, '');
      return [
        user.id,
        'active',
        LAST_MODIFIED,
        'true',
        `${username}.${user.id}`,
        '',
        user.givenName,
        user.familyName,
        '',
        user.id.toUpperCase(),
        `${username}.${user.id}@maplevalley.example`,
        '',
        '',
        '',
        user.grade,
        '',
        '',
        '',
        '',
        '',
        '',
        user.schoolId,
        '',
      ];
    }),
  );

  files['roles.csv'] = csv(
    [
      'sourcedId',
      'status',
      'dateLastModified',
      'userSourcedId',
      'roleType',
      'role',
      'beginDate',
      'endDate',
      'orgSourcedId',
      'userProfileSourcedId',
    ],
    users.map((user) => [
      `role-${user.id}`,
      'active',
      LAST_MODIFIED,
      user.id,
      'primary',
      user.role,
      '',
      '',
      user.schoolId,
      '',
    ]),
  );

  const enrollments = SECTIONS.flatMap((section) => {
    const schoolId = find(COURSES, section.courseId).schoolId;
    return [
      ...section.teacherIds.map((teacherId, index) => ({
        classId: section.id,
        schoolId,
        userId: teacherId,
        role: 'teacher',
        primary: index === 0,
      })),
      ...sectionStudents(section).map((studentId) => ({
        classId: section.id,
        schoolId,
        userId: studentId,
        role: 'student',
        primary: false,
      })),
    ];
  });
  files['enrollments.csv'] = csv(
    [
      'sourcedId',
      'status',
      'dateLastModified',
      'classSourcedId',
      'schoolSourcedId',
      'userSourcedId',
      'role',
      'primary',
      'beginDate',
      'endDate',
    ],
    enrollments.map((enrollment) => [
      `enr-${enrollment.classId}-${enrollment.userId}`,
      'active',
      LAST_MODIFIED,
      enrollment.classId,
      enrollment.schoolId,
      enrollment.userId,
      enrollment.role,
      String(enrollment.primary),
      '',
      '',
    ]),
  );

  files['categories.csv'] = csv(
    ['sourcedId', 'status', 'dateLastModified', 'title', 'weight'],
    uniqueById(SECTIONS.flatMap(sectionCategories)).map((category) => [
      category.id,
      'active',
      LAST_MODIFIED,
      category.title,
      category.weight,
    ]),
  );

  const items = lineItems();
  files['lineItems.csv'] = csv(
    [
      'sourcedId',
      'status',
      'dateLastModified',
      'title',
      'description',
      'assignDate',
      'dueDate',
      'classSourcedId',
      'categorySourcedId',
      'gradingPeriodSourcedId',
      'resultValueMin',
      'resultValueMax',
    ],
    items.map((item) => [
      item.id,
      'active',
      LAST_MODIFIED,
      item.title,
      '',
      item.assignDate,
      item.dueDate,
      item.sectionId,
      item.categoryId,
      item.gradingPeriodId,
      0,
      item.maxPoints,
    ]),
  );

  files['results.csv'] = csv(
    [
      'sourcedId',
      'status',
      'dateLastModified',
      'lineItemSourcedId',
      'studentSourcedId',
      'scoreStatus',
      'score',
      'scoreDate',
      'comment',
    ],
    resultRows(items),
  );
  return files;
}

async function main(): Promise<void> {
  const folder = path.resolve(process.argv[2] ?? path.join(repoRoot, 'demo', 'district'));
  await mkdir(folder, { recursive: true });
  const files = buildFiles();
  for (const [name, content] of Object.entries(files)) {
    await writeFile(path.join(folder, name), content);
  }
  const rows = Object.values(files).reduce(
    (total, content) => total + content.trimEnd().split('\n').length - 1,
    0,
  );
  process.stdout.write(
    `Wrote ${Object.keys(files).length} files (${rows} data rows) to ${folder}\n`,
  );
}

await main();
