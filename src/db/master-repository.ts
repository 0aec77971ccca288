import type { Collections } from './mongo.js';
import type { CatalogDoc, CourseDoc, CourseLink, CourseMasterDoc } from './types.js';
import {
  decideCourseSetupEdit,
  NO_LOCKS,
  sameItemContent,
  type ItemLocks,
  type MasterControl,
} from '../domain/master-rules.js';
import {
  planMasterPush,
  type KeptCourseCategory,
  type MasterPushOptions,
} from '../domain/master-push.js';
import {
  EMPTY_SETUP,
  PUSH_ITEMS,
  ZERO_VERSIONS,
  type GradingSetup,
  type GradingSetupUpdate,
  type ItemVersions,
  type PushItem,
} from '../domain/setup.js';

const MAX_UPDATE_ATTEMPTS = 5;

/** A document with the requested id exists already. */
export class DuplicateIdError extends Error {
  override name = 'DuplicateIdError';
}

/** A course edit touched items that the course's master locks. */
export class ItemLockedError extends Error {
  override name = 'ItemLockedError';
  constructor(
    readonly courseId: string,
    readonly masterId: string,
    readonly items: PushItem[],
  ) {
    super(
      `${items.join(', ')} ${items.length === 1 ? 'is' : 'are'} locked on course master ` +
        `"${masterId}", which course "${courseId}" is linked to; change ` +
        `${items.length === 1 ? 'it' : 'them'} with PUT /course-masters/${masterId}/grading-setup`,
    );
  }
}

/** Another writer kept changing the document between this function's read and write. */
export class ConcurrentUpdateError extends Error {
  override name = 'ConcurrentUpdateError';
}

export async function createCatalog(
  collections: Collections,
  catalog: Omit<CatalogDoc, 'createdAt'>,
): Promise<CatalogDoc> {
  const doc: CatalogDoc = { ...catalog, createdAt: new Date() };
  await insertNew(collections.catalogs, doc, `catalog "${catalog._id}"`);
  return doc;
}

export interface NewCourseMaster {
  _id: string;
  catalogId: string;
  title: string;
  setup?: GradingSetupUpdate;
  locks?: Partial<ItemLocks>;
}

/** Creates a course master. The items given in `setup` start at version 1, the others at 0. */
export async function createCourseMaster(
  collections: Collections,
  master: NewCourseMaster,
): Promise<CourseMasterDoc> {
  const now = new Date();
  const applied = applySetupUpdate(EMPTY_SETUP, ZERO_VERSIONS, master.setup ?? {});
  const changedAt = { categories: null, gradeCalcOptions: null, composites: null, advisory: null };
  const doc: CourseMasterDoc = {
    _id: master._id,
    catalogId: master.catalogId,
    title: master.title,
    setup: applied.setup,
    versions: applied.versions,
    locks: { ...NO_LOCKS, ...master.locks },
    changedAt: { ...changedAt, ...Object.fromEntries(applied.changedItems.map((i) => [i, now])) },
    createdAt: now,
  };
  await insertNew(collections.courseMasters, doc, `course master "${master._id}"`);
  return doc;
}

export interface MasterSetupUpdateResult {
  master: CourseMasterDoc;
  changedItems: PushItem[];
  changedLocks: PushItem[];
}

/**
 * Replaces the given items of a master's setup and sets the given locks. An item's version goes
 * up only when its content changes. Locks carry no version. Returns null when the master is
 * missing.
 */
export async function updateCourseMasterSetup(
  collections: Collections,
  masterId: string,
  update: { setup?: GradingSetupUpdate; locks?: Partial<ItemLocks> },
): Promise<MasterSetupUpdateResult | null> {
  for (let attempt = 1; attempt <= MAX_UPDATE_ATTEMPTS; attempt++) {
    const master = await collections.courseMasters.findOne({ _id: masterId });
    if (!master) return null;

    const applied = applySetupUpdate(master.setup, master.versions, update.setup ?? {});
    const changedLocks = PUSH_ITEMS.filter(
      (item) => update.locks?.[item] !== undefined && update.locks[item] !== master.locks[item],
    );
    if (applied.changedItems.length === 0 && changedLocks.length === 0) {
      return { master, changedItems: [], changedLocks: [] };
    }

    const now = new Date();
    const set: Record<string, unknown> = {};
    for (const item of applied.changedItems) {
      set[`setup.${item}`] = applied.setup[item];
      set[`versions.${item}`] = applied.versions[item];
      set[`changedAt.${item}`] = now;
    }
    for (const item of changedLocks) set[`locks.${item}`] = update.locks?.[item];
    const result = await collections.courseMasters.findOneAndUpdate(
      { _id: masterId, ...versionGuard(master.versions), ...lockGuard(master.locks) },
      { $set: set },
      { returnDocument: 'after' },
    );
    if (result) return { master: result, changedItems: applied.changedItems, changedLocks };
  }
  throw new ConcurrentUpdateError(
    `course master "${masterId}" kept changing during ${MAX_UPDATE_ATTEMPTS} update attempts; try again`,
  );
}

export async function findMasterControl(
  collections: Collections,
  masterId: string,
): Promise<MasterControl | null> {
  const master = await collections.courseMasters.findOne(
    { _id: masterId },
    { projection: { setup: 1, locks: 1 } },
  );
  if (!master) return null;
  return { masterId, setup: master.setup, locks: master.locks };
}

/**
 * Checks a change to a course's setup against the course's master and returns the link the course
 * has afterwards. Throws ItemLockedError when the change touches an item the master locks.
 */
export async function linkAfterCourseEdit(
  collections: Collections,
  course: CourseDoc,
  changes: Partial<GradingSetup>,
): Promise<CourseLink> {
  const master =
    course.courseMasterId === null || course.link === 'courseControlled'
      ? null
      : await findMasterControl(collections, course.courseMasterId);
  const decision = decideCourseSetupEdit(course.link, master, changes);
  if (!decision.allowed) {
    throw new ItemLockedError(course._id, decision.masterId, decision.lockedItems);
  }
  return decision.link;
}

/** Assignment counts of a course's categories, taken from the sections' copies of them. */
export interface CourseCategoryUse {
  /** Per course category id, the assignments in all sections' copies of it. */
  totals: Record<string, number>;
  /** Each section copy that has assignments. */
  copies: {
    sectionId: string;
    sectionCategoryId: string;
    courseCategoryId: string;
    assignmentCount: number;
  }[];
}

/**
 * Finds the assignments in the sections' copies of a course's categories. Assignments point at
 * section category ids, which each section maps to its course category through `courseCategoryId`.
 */
export async function findCourseCategoryUse(
  collections: Collections,
  courseId: string,
): Promise<CourseCategoryUse> {
  const sections = await collections.sections
    .find({ courseId }, { projection: { 'setup.categories': 1 } })
    .toArray();
  const copies = new Map<string, CourseCategoryUse['copies'][number]>();
  for (const section of sections) {
    for (const category of section.setup.categories) {
      if (category.courseCategoryId === null) continue;
      copies.set(copyKey(section._id, category.id), {
        sectionId: section._id,
        sectionCategoryId: category.id,
        courseCategoryId: category.courseCategoryId,
        assignmentCount: 0,
      });
    }
  }
  if (copies.size === 0) return { totals: {}, copies: [] };

  const assignments = await collections.assignments
    .find(
      { sectionId: { $in: sections.map((section) => section._id) }, categoryId: { $ne: null } },
      { projection: { sectionId: 1, categoryId: 1 } },
    )
    .toArray();
  const totals: Record<string, number> = {};
  for (const assignment of assignments) {
    const copy = copies.get(copyKey(assignment.sectionId, assignment.categoryId ?? ''));
    if (copy === undefined) continue;
    copy.assignmentCount++;
    totals[copy.courseCategoryId] = (totals[copy.courseCategoryId] ?? 0) + 1;
  }
  const used = [...copies.values()].filter((copy) => copy.assignmentCount > 0);
  return { totals, copies: used };
}

function copyKey(sectionId: string, categoryId: string): string {
  return `${sectionId}\n${categoryId}`;
}

export type MasterToCourseOutcome =
  | { outcome: 'notFound' }
  /** The course follows another master, or none, since the push listed it. */
  | { outcome: 'notAligned'; courseMasterId: string | null }
  | { outcome: 'courseControlled' }
  | { outcome: 'desynced' }
  | {
      outcome: 'updated' | 'unchanged';
      course: CourseDoc;
      changedItems: PushItem[];
      residual: KeptCourseCategory[];
      pushedItems: PushItem[];
      categoryUse: CourseCategoryUse;
    };

export interface ApplyMasterInput {
  master: MasterControl;
  courseId: string;
  options: MasterPushOptions;
  /** The push this write belongs to; null for a relink. */
  pushId: string | null;
  /**
   * Relink: apply to a course of this master whatever its link, and set the link to `linked`.
   * Otherwise only a `linked` course is written.
   */
  relink: boolean;
}

/**
 * Applies a master's setup to one course by the master push rules. The write is guarded by the
 * course's versions and link, and retried on a conflict. A course already written by the same
 * push reports the changes recorded then, so a retried activity returns the same outcome.
 */
export async function applyMasterToCourse(
  collections: Collections,
  input: ApplyMasterInput,
): Promise<MasterToCourseOutcome> {
  const { master, courseId, pushId } = input;
  for (let attempt = 1; attempt <= MAX_UPDATE_ATTEMPTS; attempt++) {
    const course = await collections.courses.findOne({ _id: courseId });
    if (!course) return { outcome: 'notFound' };
    if (course.courseMasterId !== master.masterId) {
      return { outcome: 'notAligned', courseMasterId: course.courseMasterId };
    }
    if (!input.relink && course.link !== 'linked') return { outcome: course.link };

    const categoryUse = await findCourseCategoryUse(collections, courseId);
    const plan = planMasterPush(master, course.setup, input.options, categoryUse.totals);
    const relinks = input.relink && course.link !== 'linked';
    if (plan.changedItems.length === 0 && !relinks) {
      const recorded = pushId !== null && course.lastMasterPush?.pushId === pushId;
      return {
        outcome: recorded ? 'updated' : 'unchanged',
        course,
        changedItems: recorded ? (course.lastMasterPush?.changedItems ?? []) : [],
        residual: plan.residual,
        pushedItems: plan.pushedItems,
        categoryUse,
      };
    }

    const now = new Date();
    const set: Record<string, unknown> = { link: 'linked' satisfies CourseLink };
    for (const item of plan.changedItems) {
      set[`setup.${item}`] = plan.setup[item];
      set[`versions.${item}`] = course.versions[item] + 1;
      set[`changedAt.${item}`] = now;
    }
    if (pushId !== null) {
      set.lastMasterPush = {
        pushId,
        masterId: master.masterId,
        changedItems: plan.changedItems,
        at: now,
      };
    }
    const result = await collections.courses.findOneAndUpdate(
      {
        _id: courseId,
        courseMasterId: master.masterId,
        link: course.link,
        ...versionGuard(course.versions),
      },
      { $set: set },
      { returnDocument: 'after' },
    );
    if (result) {
      return {
        outcome: 'updated',
        course: result,
        changedItems: plan.changedItems,
        residual: plan.residual,
        pushedItems: plan.pushedItems,
        categoryUse,
      };
    }
  }
  throw new ConcurrentUpdateError(
    `course "${courseId}" kept changing during ${MAX_UPDATE_ATTEMPTS} attempts to apply course master "${master.masterId}"; try again`,
  );
}

/**
 * Aligns a course to a master and links it, or with `masterId` null removes the alignment. The
 * course's setup does not change: the next catalog push or a relink brings the master's content.
 */
export async function alignCourse(
  collections: Collections,
  courseId: string,
  masterId: string | null,
): Promise<CourseDoc | null> {
  const link: CourseLink = masterId === null ? 'courseControlled' : 'linked';
  return collections.courses.findOneAndUpdate(
    { _id: courseId },
    { $set: { courseMasterId: masterId, link } },
    { returnDocument: 'after' },
  );
}

/** Releases a course from its master's control but keeps it aligned, as `courseControlled`. */
export async function unlinkCourse(
  collections: Collections,
  courseId: string,
): Promise<CourseDoc | null> {
  return collections.courses.findOneAndUpdate(
    { _id: courseId },
    { $set: { link: 'courseControlled' satisfies CourseLink } },
    { returnDocument: 'after' },
  );
}

function applySetupUpdate(
  setup: GradingSetup,
  versions: ItemVersions,
  update: GradingSetupUpdate | Record<string, never>,
): { setup: GradingSetup; versions: ItemVersions; changedItems: PushItem[] } {
  const changedItems = PUSH_ITEMS.filter(
    (item) => update[item] !== undefined && !sameItemContent(item, update[item], setup[item]),
  );
  const next = { ...setup, ...update };
  const nextVersions = { ...versions };
  for (const item of changedItems) nextVersions[item] += 1;
  return { setup: next, versions: nextVersions, changedItems };
}

function versionGuard(versions: ItemVersions): Record<string, number> {
  return Object.fromEntries(PUSH_ITEMS.map((item) => [`versions.${item}`, versions[item]]));
}

function lockGuard(locks: ItemLocks): Record<string, boolean> {
  return Object.fromEntries(PUSH_ITEMS.map((item) => [`locks.${item}`, locks[item]]));
}

async function insertNew<T extends { _id: string }>(
  collection: { insertOne(doc: T): Promise<unknown> },
  doc: T,
  label: string,
): Promise<void> {
  try {
    await collection.insertOne(doc);
  } catch (error) {
    if (isDuplicateKey(error)) {
      throw new DuplicateIdError(`${label} exists already; choose another id`);
    }
    throw error;
  }
}

function isDuplicateKey(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000
  );
}
