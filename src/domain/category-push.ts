import { stableStringify } from './diff.js';
import {
  CATEGORY_NAME_MAX,
  categoryNameKey,
  type CourseCategory,
  type SectionCategory,
} from './setup.js';

export type CategoryChange =
  | { kind: 'added'; categoryId: string; name: string; weight: number }
  | {
      kind: 'updated';
      categoryId: string;
      name: string;
      fields: {
        field: 'name' | 'weight' | 'sequence' | 'locked';
        before: string | number | boolean;
        after: string | number | boolean;
      }[];
    }
  // A teacher category renamed "Name (n)" because a course category now uses its name.
  | { kind: 'renamed'; categoryId: string; from: string; to: string }
  | {
      kind: 'removed';
      categoryId: string;
      name: string;
      reason: 'teacherCategory' | 'removedFromCourse';
    }
  | {
      kind: 'residual';
      categoryId: string;
      name: string;
      assignmentCount: number;
      reason: 'teacherCategory' | 'removedFromCourse';
    };

export type ResidualCategory = Extract<CategoryChange, { kind: 'residual' }>;

type UpdatedField = Extract<CategoryChange, { kind: 'updated' }>['fields'][number];

/** The categories a section contains after a push, with the changes that produce them. */
export interface CategoryPlan {
  /** The section's categories after the push, ordered by sequence, then name, then id. */
  categories: SectionCategory[];
  /** Whether the push changes the section's categories. A different order alone is no change. */
  changed: boolean;
  /** Every category outcome, residual ones included, in a fixed order. */
  changes: CategoryChange[];
  residual: ResidualCategory[];
}

/** Returns the id a new locked copy of a course category gets on a section. */
export function sectionCategoryIdFor(courseCategoryId: string): string {
  return `course:${courseCategoryId}`;
}

/** A category that has no course category to follow after this push. */
interface UnlinkedCategory {
  category: SectionCategory;
  /** Whether this is a copy of a deleted course category, kept because it has assignments. */
  detached: boolean;
}

/**
 * Plans how pushing the course's categories changes a section's categories.
 *
 * Copies follow their course category by `courseCategoryId`, never by name. An unlinked category
 * with a course category's own id, as imported from the system that pushed it, becomes that
 * category's copy. A copy whose course category is gone is removed, or unlinked and reported
 * residual when it has assignments.
 * With `overwrite`, teacher categories without assignments are removed and the others are
 * unlocked and reported residual. A remaining teacher category whose name a course category
 * uses is renamed "Name (n)" with the smallest free n.
 */
export function planCategories(
  courseCategories: readonly CourseCategory[],
  sectionCategories: readonly SectionCategory[],
  assignmentCounts: Readonly<Record<string, number>>,
  overwrite: boolean,
): CategoryPlan {
  const countAssignments = (categoryId: string): number =>
    Object.hasOwn(assignmentCounts, categoryId) ? (assignmentCounts[categoryId] ?? 0) : 0;
  const changes: CategoryChange[] = [];

  const { copies, unlinked } = sortSectionCategories(
    courseCategories,
    sectionCategories,
    countAssignments,
    changes,
  );
  const result = planCopies(courseCategories, sectionCategories, copies, changes);
  const kept = overwrite ? applyOverwrite(unlinked, countAssignments, changes) : unlinked;
  changes.push(...renameClashes(kept, courseCategories));

  const residual: ResidualCategory[] = [];
  for (const { category, detached } of kept) {
    result.push(category);
    if (detached || overwrite) {
      residual.push({
        kind: 'residual',
        categoryId: category.id,
        name: category.name,
        assignmentCount: countAssignments(category.id),
        reason: detached ? 'removedFromCourse' : 'teacherCategory',
      });
    }
  }
  changes.push(...residual);

  result.sort(compareCategories);
  const changed = !sameCategories(sectionCategories, result);
  return { categories: changed ? result : [...sectionCategories], changed, changes, residual };
}

/**
 * Splits a section's categories into the copies of current course categories, keyed by course
 * category id, and the categories that follow no course category. Copies of deleted course
 * categories are removed, or unlinked when they have assignments. Appends removals to `changes`.
 */
function sortSectionCategories(
  courseCategories: readonly CourseCategory[],
  sectionCategories: readonly SectionCategory[],
  countAssignments: (categoryId: string) => number,
  changes: CategoryChange[],
): { copies: Map<string, SectionCategory>; unlinked: UnlinkedCategory[] } {
  const courseIds = new Set(courseCategories.map((category) => category.id));
  const copies = new Map<string, SectionCategory>();
  const unlinked: UnlinkedCategory[] = [];

  const sameIdAsCourse: SectionCategory[] = [];
  for (const category of [...sectionCategories].sort(compareCategories)) {
    const link = category.courseCategoryId;
    if (link === null && courseIds.has(category.id)) {
      sameIdAsCourse.push(category);
      continue;
    }
    if (link === null) {
      unlinked.push({ category: toSectionCategory(category), detached: false });
      continue;
    }
    if (courseIds.has(link) && !copies.has(link)) {
      copies.set(link, category);
      continue;
    }
    // The course category is gone. A second copy of one course category, which pushes never
    // create, is handled the same way so that the section keeps one copy per course category.
    if (countAssignments(category.id) === 0) {
      changes.push({
        kind: 'removed',
        categoryId: category.id,
        name: category.name,
        reason: 'removedFromCourse',
      });
      continue;
    }
    unlinked.push({
      category: { ...toSectionCategory(category), locked: false, courseCategoryId: null },
      detached: true,
    });
  }
  // An unlinked category that carries a course category's own id (an import from the system
  // that pushed it) is that category's copy, unless the section already has a linked copy.
  for (const category of sameIdAsCourse) {
    if (copies.has(category.id)) {
      unlinked.push({ category: toSectionCategory(category), detached: false });
    } else {
      copies.set(category.id, category);
    }
  }
  return { copies, unlinked };
}

/**
 * Builds the locked copy of each course category, reusing the id of an existing copy. Appends
 * additions and updates to `changes`.
 */
function planCopies(
  courseCategories: readonly CourseCategory[],
  sectionCategories: readonly SectionCategory[],
  copies: ReadonlyMap<string, SectionCategory>,
  changes: CategoryChange[],
): SectionCategory[] {
  const takenIds = new Set(sectionCategories.map((category) => category.id));
  const result: SectionCategory[] = [];
  for (const courseCategory of [...courseCategories].sort(compareCategories)) {
    const existing = copies.get(courseCategory.id);
    const id = existing?.id ?? claimId(sectionCategoryIdFor(courseCategory.id), takenIds);
    const copy: SectionCategory = {
      id,
      name: courseCategory.name,
      weight: courseCategory.weight,
      sequence: courseCategory.sequence,
      locked: true,
      courseCategoryId: courseCategory.id,
    };
    result.push(copy);

    if (existing === undefined) {
      changes.push({ kind: 'added', categoryId: id, name: copy.name, weight: copy.weight });
      continue;
    }
    const fields = diffFields(existing, copy);
    if (fields.length > 0) {
      changes.push({ kind: 'updated', categoryId: id, name: copy.name, fields });
    }
  }
  return result;
}

/**
 * Removes teacher categories without assignments and unlocks the others, which is what overwrite
 * does to them. Detached copies stay as they are. Appends removals and unlocks to `changes`.
 */
function applyOverwrite(
  unlinked: readonly UnlinkedCategory[],
  countAssignments: (categoryId: string) => number,
  changes: CategoryChange[],
): UnlinkedCategory[] {
  const kept: UnlinkedCategory[] = [];
  for (const entry of unlinked) {
    const { category } = entry;
    if (entry.detached) {
      kept.push(entry);
      continue;
    }
    if (countAssignments(category.id) === 0) {
      changes.push({
        kind: 'removed',
        categoryId: category.id,
        name: category.name,
        reason: 'teacherCategory',
      });
      continue;
    }
    if (category.locked) {
      const field: UpdatedField = { field: 'locked', before: true, after: false };
      changes.push({
        kind: 'updated',
        categoryId: category.id,
        name: category.name,
        fields: [field],
      });
    }
    kept.push({ category: { ...category, locked: false }, detached: false });
  }
  return kept;
}

/**
 * Renames, in place, each kept category whose name a course category uses, and returns the
 * renames. Names compare trimmed and case-insensitively, and each new name is unique.
 */
function renameClashes(
  kept: UnlinkedCategory[],
  courseCategories: readonly CourseCategory[],
): CategoryChange[] {
  const courseNames = new Set(courseCategories.map((category) => categoryNameKey(category.name)));
  const takenNames = new Set(courseNames);
  for (const { category } of kept) {
    takenNames.add(categoryNameKey(category.name));
  }

  const renames: CategoryChange[] = [];
  for (const entry of kept) {
    const from = entry.category.name;
    if (!courseNames.has(categoryNameKey(from))) {
      continue;
    }
    const to = findFreeName(from, takenNames);
    takenNames.add(categoryNameKey(to));
    entry.category = { ...entry.category, name: to };
    renames.push({ kind: 'renamed', categoryId: entry.category.id, from, to });
  }
  return renames;
}

/**
 * Returns "name (n)" for the smallest n >= 1 whose key is not in `takenNames`. The base name is
 * shortened where needed so that the result has at most CATEGORY_NAME_MAX characters.
 */
export function findFreeName(name: string, takenNames: ReadonlySet<string>): string {
  const base = name.trim();
  for (let n = 1; ; n += 1) {
    const suffix = ` (${n})`;
    const candidate = `${truncateName(base, CATEGORY_NAME_MAX - suffix.length)}${suffix}`;
    if (!takenNames.has(categoryNameKey(candidate))) {
      return candidate;
    }
  }
}

/** Cuts a name to at most `maxLength` UTF-16 units without splitting a surrogate pair. */
function truncateName(name: string, maxLength: number): string {
  const codePoints = Array.from(name);
  let result = name;
  while (result.length > maxLength) {
    codePoints.pop();
    result = codePoints.join('');
  }
  return result.trimEnd();
}

/** Returns `id`, or `id#2`, `id#3`... when it is taken, and marks the result taken. */
function claimId(id: string, takenIds: Set<string>): string {
  let candidate = id;
  for (let n = 2; takenIds.has(candidate); n += 1) {
    candidate = `${id}#${n}`;
  }
  takenIds.add(candidate);
  return candidate;
}

function diffFields(before: SectionCategory, after: SectionCategory): UpdatedField[] {
  const fields: UpdatedField[] = [];
  for (const field of ['name', 'weight', 'sequence', 'locked'] as const) {
    if (before[field] !== after[field]) {
      fields.push({ field, before: before[field], after: after[field] });
    }
  }
  return fields;
}

/** Copies only the fields of SectionCategory, so stray fields of stored data do not compare. */
function toSectionCategory(category: SectionCategory): SectionCategory {
  return {
    id: category.id,
    name: category.name,
    weight: category.weight,
    sequence: category.sequence,
    locked: category.locked,
    courseCategoryId: category.courseCategoryId,
  };
}

/** Compares two category lists as sets, so a different order alone is no change. */
function sameCategories(
  before: readonly SectionCategory[],
  after: readonly SectionCategory[],
): boolean {
  if (before.length !== after.length) {
    return false;
  }
  const serialize = (categories: readonly SectionCategory[]): string[] =>
    categories.map((category) => stableStringify(toSectionCategory(category))).sort();
  const left = serialize(before);
  const right = serialize(after);
  return left.every((text, index) => text === right[index]);
}

/** Orders categories by sequence, then name (case-insensitive), then id. */
function compareCategories(
  left: Pick<SectionCategory, 'id' | 'name' | 'sequence'>,
  right: Pick<SectionCategory, 'id' | 'name' | 'sequence'>,
): number {
  return (
    left.sequence - right.sequence ||
    compareText(categoryNameKey(left.name), categoryNameKey(right.name)) ||
    compareText(left.name, right.name) ||
    compareText(left.id, right.id)
  );
}

/** Compares by UTF-16 code units, which unlike localeCompare gives the same order everywhere. */
function compareText(left: string, right: string): number {
  if (left < right) {
    return -1;
  }
  return left > right ? 1 : 0;
}
