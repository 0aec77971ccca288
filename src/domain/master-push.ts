/**
 * Plans a course master push: what a master's setup does to one course aligned to it. Pure, so
 * the activity that writes the course, the relink route and the tests share it.
 */
import { findFreeName } from './category-push.js';
import { sameItemContent, type MasterControl } from './master-rules.js';
import {
  PUSH_ITEMS,
  categoryNameKey,
  type Composite,
  type CourseCategory,
  type GradingSetup,
  type PushItem,
} from './setup.js';

/**
 * `lockedOnly`: only the items the master locks replace the course's. `overwrite`: every selected
 * item is replaced, locked or not.
 */
export const MASTER_PUSH_MODES = ['lockedOnly', 'overwrite'] as const;
export type MasterPushMode = (typeof MASTER_PUSH_MODES)[number];

export interface MasterPushOptions {
  mode: MasterPushMode;
  items: readonly PushItem[];
}

/** A course category that stays on the course, although the master lacks it, because it is used. */
export interface KeptCourseCategory {
  categoryId: string;
  name: string;
  /** The name before the push when it clashed with a master category's name; otherwise null. */
  renamedFrom: string | null;
  /** Assignments in the sections' copies of this category. */
  assignmentCount: number;
}

export interface MasterPushPlan {
  /** The course's setup after the push. Items the push leaves alone equal the input. */
  setup: GradingSetup;
  /** Items the master's content is pushed for: the selected items, or only the locked ones. */
  pushedItems: PushItem[];
  /** Pushed items whose content changes, so their course version goes up. */
  changedItems: PushItem[];
  /** Course categories kept because their section copies have assignments. */
  residual: KeptCourseCategory[];
}

/**
 * Plans pushing a master's setup to one course.
 *
 * Each pushed item becomes the master's. A course category the master lacks is dropped, unless
 * its section copies have assignments (`assignmentsByCategory`, keyed by course category id): then
 * it stays, renamed "Name (n)" if a master category uses its name, and is reported residual.
 * Categories keep their ids, so the sections' copies follow them. An item whose content is the
 * same as before stays exactly as the course has it, so planning again changes nothing.
 */
export function planMasterPush(
  master: Pick<MasterControl, 'setup' | 'locks'>,
  course: GradingSetup,
  options: MasterPushOptions,
  assignmentsByCategory: Readonly<Record<string, number>>,
): MasterPushPlan {
  const selected = new Set(options.items);
  const pushedItems = PUSH_ITEMS.filter(
    (item) => selected.has(item) && (options.mode === 'overwrite' || master.locks[item]),
  );
  const pushed = new Set(pushedItems);

  const categories = pushed.has('categories')
    ? mergeCategories(master.setup.categories, course.categories, assignmentsByCategory)
    : { categories: course.categories, residual: [] };
  const after: GradingSetup = {
    categories: categories.categories,
    gradeCalcOptions: pushed.has('gradeCalcOptions')
      ? master.setup.gradeCalcOptions.map((option) => ({ ...option }))
      : course.gradeCalcOptions,
    composites: pushed.has('composites')
      ? master.setup.composites.map(copyComposite)
      : course.composites,
    advisory: pushed.has('advisory') ? master.setup.advisory : course.advisory,
  };

  const changedItems = pushedItems.filter(
    (item) => !sameItemContent(item, course[item], after[item]),
  );
  const changed = new Set(changedItems);
  const setup: GradingSetup = {
    categories: changed.has('categories') ? after.categories : course.categories,
    gradeCalcOptions: changed.has('gradeCalcOptions')
      ? after.gradeCalcOptions
      : course.gradeCalcOptions,
    composites: changed.has('composites') ? after.composites : course.composites,
    advisory: changed.has('advisory') ? after.advisory : course.advisory,
  };
  return { setup, pushedItems, changedItems, residual: categories.residual };
}

function mergeCategories(
  masterCategories: readonly CourseCategory[],
  courseCategories: readonly CourseCategory[],
  assignmentsByCategory: Readonly<Record<string, number>>,
): { categories: CourseCategory[]; residual: KeptCourseCategory[] } {
  const masterIds = new Set(masterCategories.map((category) => category.id));
  const takenNames = new Set(masterCategories.map((category) => categoryNameKey(category.name)));
  const categories = masterCategories.map((category) => ({ ...category }));
  const residual: KeptCourseCategory[] = [];

  for (const category of courseCategories) {
    if (masterIds.has(category.id)) continue;
    const assignmentCount = Object.hasOwn(assignmentsByCategory, category.id)
      ? (assignmentsByCategory[category.id] ?? 0)
      : 0;
    if (assignmentCount === 0) continue;

    const clashes = takenNames.has(categoryNameKey(category.name));
    const name = clashes ? findFreeName(category.name, takenNames) : category.name;
    takenNames.add(categoryNameKey(name));
    categories.push({ ...category, name });
    residual.push({
      categoryId: category.id,
      name,
      renamedFrom: clashes ? category.name : null,
      assignmentCount,
    });
  }
  return { categories, residual };
}

function copyComposite(composite: Composite): Composite {
  return { ...composite, children: composite.children.map((child) => ({ ...child })) };
}
