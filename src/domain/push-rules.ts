/**
 * Plans a course-to-section push of the grading setup. Pure: no I/O and no clock, because
 * Temporal workflow code imports it.
 */
import { planCategories, type CategoryChange } from './category-push.js';
import { deepEqual } from './diff.js';
import {
  PUSH_ITEMS,
  type Composite,
  type GradeCalcOption,
  type GradingSetup,
  type ItemVersions,
  type PushItem,
  type SectionSetup,
} from './setup.js';

export { sectionCategoryIdFor, type CategoryChange } from './category-push.js';

export interface PushOptions {
  items: PushItem[];
  overwriteCategories: boolean;
}

export interface CourseSnapshot {
  courseId: string;
  setup: GradingSetup;
  versions: ItemVersions;
}

export interface SectionState {
  setup: SectionSetup;
  /** Per item, the course version that last reached the section (absent = never pushed). */
  received: Partial<Record<PushItem, { version: number }>>;
  /** Number of assignments (or scores/comments) per section category id; absent = 0. */
  assignmentCounts: Record<string, number>;
}

export interface ItemChange<T> {
  before: T;
  after: T;
}

export interface SectionPushPlan {
  /** The section's setup after the push; items the push leaves alone equal the input. */
  setup: SectionSetup;
  /** Selected items whose content changes. */
  changedItems: PushItem[];
  /** Selected items whose recorded version must be set: content changed or version differs. */
  receivedItems: PushItem[];
  /** Every category outcome, including the residual ones also listed in `residual`. */
  categoryChanges: CategoryChange[];
  residual: Extract<CategoryChange, { kind: 'residual' }>[];
  gradeCalcOptions: ItemChange<GradeCalcOption[]> | null;
  composites: ItemChange<Composite[]> | null;
  advisory: ItemChange<boolean> | null;
  /** True when anything must be written: content or recorded versions. */
  needsWrite: boolean;
}

/** The default push: all four items, with overwrite off. */
export const DEFAULT_PUSH_OPTIONS: PushOptions = {
  items: [...PUSH_ITEMS],
  overwriteCategories: false,
};

/**
 * Plans what pushing the course's setup does to one section. Unselected items stay as they are.
 * Grade calc options, composites and advisory replace the section's values. Categories follow
 * the category rules of `planCategories`. Planning again on the result, with the received
 * versions recorded, returns `needsWrite: false`.
 */
export function planSectionPush(
  course: CourseSnapshot,
  section: SectionState,
  options: PushOptions,
): SectionPushPlan {
  const selected = new Set(options.items);
  const before = section.setup;
  const setup: SectionSetup = {
    categories: before.categories,
    gradeCalcOptions: before.gradeCalcOptions,
    composites: before.composites,
    advisory: before.advisory,
  };
  const changed = new Set<PushItem>();

  let categoryChanges: CategoryChange[] = [];
  let residual: SectionPushPlan['residual'] = [];
  if (selected.has('categories')) {
    const plan = planCategories(
      course.setup.categories,
      before.categories,
      section.assignmentCounts,
      options.overwriteCategories,
    );
    categoryChanges = plan.changes;
    residual = plan.residual;
    if (plan.changed) {
      setup.categories = plan.categories;
      changed.add('categories');
    }
  }

  let gradeCalcOptions: SectionPushPlan['gradeCalcOptions'] = null;
  if (selected.has('gradeCalcOptions')) {
    const after = course.setup.gradeCalcOptions.map((option) => ({ ...option }));
    if (!deepEqual(before.gradeCalcOptions, after)) {
      setup.gradeCalcOptions = after;
      gradeCalcOptions = { before: before.gradeCalcOptions, after };
      changed.add('gradeCalcOptions');
    }
  }

  let composites: SectionPushPlan['composites'] = null;
  if (selected.has('composites')) {
    const after = course.setup.composites.map(copyComposite);
    if (!deepEqual(before.composites, after)) {
      setup.composites = after;
      composites = { before: before.composites, after };
      changed.add('composites');
    }
  }

  let advisory: SectionPushPlan['advisory'] = null;
  if (selected.has('advisory') && before.advisory !== course.setup.advisory) {
    setup.advisory = course.setup.advisory;
    advisory = { before: before.advisory, after: course.setup.advisory };
    changed.add('advisory');
  }

  const changedItems = PUSH_ITEMS.filter((item) => changed.has(item));
  // A recorded version that differs in either direction is reset, because after the push the
  // section contains the content of the course's current version.
  const receivedItems = PUSH_ITEMS.filter(
    (item) =>
      selected.has(item) &&
      (changed.has(item) || section.received[item]?.version !== course.versions[item]),
  );

  return {
    setup,
    changedItems,
    receivedItems,
    categoryChanges,
    residual,
    gradeCalcOptions,
    composites,
    advisory,
    needsWrite: receivedItems.length > 0,
  };
}

function copyComposite(composite: Composite): Composite {
  return { ...composite, children: composite.children.map((child) => ({ ...child })) };
}
