/**
 * The Course Awaiting Push rule: which items of a course have sections whose recorded version is
 * behind the course's. Pure, so the report route and the tests share it.
 */
import { PUSH_ITEMS, type ItemVersions, type PushItem } from './setup.js';

/** Per item, the course version a section last received; an absent item counts as version 0. */
export type ReceivedVersions = Partial<Record<PushItem, { version: number }>>;

export interface ItemBehind {
  item: PushItem;
  courseVersion: number;
  /** Sections whose recorded version of the item is lower than the course's. */
  sectionsBehind: number;
}

export interface SectionsBehind {
  /** Each item for which at least one section is behind the course. */
  items: ItemBehind[];
  /** Sections behind the course on at least one item. */
  sectionsBehind: number;
}

/**
 * Compares the versions a course's sections recorded with the course's versions. An item at
 * version 0 on the course has never changed, so no section is behind on it.
 */
export function findSectionsBehind(
  courseVersions: ItemVersions,
  sections: readonly ReceivedVersions[],
): SectionsBehind {
  const isBehind = (received: ReceivedVersions, item: PushItem): boolean =>
    (received[item]?.version ?? 0) < courseVersions[item];
  const changedItems = PUSH_ITEMS.filter((item) => courseVersions[item] > 0);

  const items: ItemBehind[] = [];
  for (const item of changedItems) {
    const sectionsBehind = sections.filter((received) => isBehind(received, item)).length;
    if (sectionsBehind > 0) {
      items.push({ item, courseVersion: courseVersions[item], sectionsBehind });
    }
  }
  const sectionsBehind = sections.filter((received) =>
    changedItems.some((item) => isBehind(received, item)),
  ).length;
  return { items, sectionsBehind };
}
