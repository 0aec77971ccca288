/**
 * Rules for courses aligned to a course master: which items a master locks, and what editing an
 * aligned course's setup does to its link. Pure, so activities, routes and tests share them.
 */
import type { CourseLink } from '../db/types.js';
import { stableStringify } from './diff.js';
import { PUSH_ITEMS, type GradingSetup, type PushItem } from './setup.js';

export const COURSE_LINKS = ['linked', 'courseControlled', 'desynced'] as const;

/** Per item, whether the course master locks it. Aligned courses cannot edit a locked item. */
export type ItemLocks = Record<PushItem, boolean>;

export const NO_LOCKS: ItemLocks = {
  categories: false,
  gradeCalcOptions: false,
  composites: false,
  advisory: false,
};

/** The part of a course master that controls the courses aligned to it. */
export interface MasterControl {
  masterId: string;
  setup: GradingSetup;
  locks: ItemLocks;
}

export type CourseEditDecision =
  | {
      allowed: true;
      /** The course's link after the edit. */
      link: CourseLink;
      /** Changed items whose new content differs from the master's. */
      differingItems: PushItem[];
    }
  | { allowed: false; masterId: string; lockedItems: PushItem[] };

/**
 * Decides whether a course may take new content for some items, and its link afterwards.
 *
 * `changes` holds only the items whose content changes. A course that is `courseControlled`, or
 * has no master, may change anything. Otherwise a change to an item the master locks is rejected,
 * and a change that leaves an unlocked item different from the master's makes the course
 * `desynced`. Only a relink returns a desynced course to `linked`.
 */
export function decideCourseSetupEdit(
  link: CourseLink,
  master: MasterControl | null,
  changes: Partial<GradingSetup>,
): CourseEditDecision {
  const changedItems = PUSH_ITEMS.filter((item) => changes[item] !== undefined);
  if (master === null || link === 'courseControlled') {
    return { allowed: true, link, differingItems: [] };
  }

  const lockedItems = changedItems.filter((item) => master.locks[item]);
  if (lockedItems.length > 0) {
    return { allowed: false, masterId: master.masterId, lockedItems };
  }

  const differingItems = changedItems.filter(
    (item) => !sameItemContent(item, changes[item], master.setup[item]),
  );
  return { allowed: true, link: differingItems.length > 0 ? 'desynced' : link, differingItems };
}

/**
 * Compares one item of two setups by content. Categories, grade calc options and composites
 * compare as unordered lists, because their order carries no meaning: categories have a
 * `sequence` field for display order.
 */
export function sameItemContent(item: PushItem, left: unknown, right: unknown): boolean {
  return normalizedItem(item, left) === normalizedItem(item, right);
}

/** Returns the given items of a partial setup, skipping those it lacks. */
export function pickItems(
  setup: Partial<GradingSetup>,
  items: readonly PushItem[],
): Partial<GradingSetup> {
  const picked: Partial<GradingSetup> = {};
  for (const item of items) {
    if (setup[item] !== undefined) Object.assign(picked, { [item]: setup[item] });
  }
  return picked;
}

/** Returns the items whose content differs between two setups. */
export function differingItems(left: GradingSetup, right: GradingSetup): PushItem[] {
  return PUSH_ITEMS.filter((item) => !sameItemContent(item, left[item], right[item]));
}

function normalizedItem(item: PushItem, value: unknown): string {
  if (item === 'advisory' || !Array.isArray(value)) return stableStringify(value);
  return value
    .map((entry: unknown) => stableStringify(entry))
    .sort()
    .join('\n');
}
