import { randomBytes } from 'node:crypto';
import type { Filter } from 'mongodb';
import { z } from 'zod';
import type { Collections } from './mongo.js';
import type { SectionDoc } from './types.js';
import { categoryNameKey, categoryNameSchema, type SectionCategory } from '../domain/setup.js';

/** Write attempts of one teacher edit before it gives up because the section keeps changing. */
const MAX_WRITE_ATTEMPTS = 10;

export type CategoryEditFailure =
  | 'sectionNotFound'
  | 'categoryNotFound'
  | 'locked'
  | 'hasAssignments'
  | 'duplicateName'
  | 'versionMismatch'
  | 'sectionBusy';

/** A rejected category edit. `reason` names the rule that rejected it. */
export class CategoryEditError extends Error {
  override name = 'CategoryEditError';

  constructor(
    readonly reason: CategoryEditFailure,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export interface SectionCategories {
  sectionId: string;
  /** The section document's version after the read or write. */
  version: number;
  /** Ordered by sequence, then name. */
  categories: SectionCategory[];
}

const weightSchema = z.number().finite().min(0, 'a category weight cannot be negative');
const sequenceSchema = z.number().int().min(0, 'a category sequence cannot be negative');

/** A teacher's new category. Without a sequence it goes after the section's last category. */
export const newCategorySchema = z
  .object({ name: categoryNameSchema, weight: weightSchema, sequence: sequenceSchema.optional() })
  .strict();
export type NewCategory = z.infer<typeof newCategorySchema>;

/** Changes to one category: any of name, weight and sequence. */
export const categoryChangesSchema = z
  .object({
    name: categoryNameSchema.optional(),
    weight: weightSchema.optional(),
    sequence: sequenceSchema.optional(),
  })
  .strict()
  .refine((changes) => Object.keys(changes).length > 0, {
    message: 'name at least one of name, weight, sequence',
  });
export type CategoryChanges = z.infer<typeof categoryChangesSchema>;

export interface CategoryEditOptions {
  /** Extra filter on the section, such as the caller's visibility scope. */
  scope?: Filter<SectionDoc>;
  /** When set, the edit is rejected with `versionMismatch` unless the section has this version. */
  expectedVersion?: number;
  /** Runs between the read and the guarded write. Tests use it to interleave a push. */
  afterRead?: (section: SectionDoc) => Promise<void>;
}

/** Returns a section's categories and version, or throws `sectionNotFound`. */
export async function listSectionCategories(
  collections: Collections,
  sectionId: string,
  options: Pick<CategoryEditOptions, 'scope'> = {},
): Promise<SectionCategories> {
  const section = await readSection(collections, sectionId, options.scope);
  return describe(section._id, section.version, section.setup.categories);
}

/** Adds a teacher category (unlocked, linked to no course category) with a new `t-` id. */
export async function addSectionCategory(
  collections: Collections,
  sectionId: string,
  input: NewCategory,
  options: CategoryEditOptions = {},
): Promise<SectionCategories & { category: SectionCategory }> {
  const id = `t-${randomBytes(8).toString('hex')}`;
  let added: SectionCategory | undefined;
  const result = await editCategories(collections, sectionId, options, (section, categories) => {
    requireUniqueName(section, categories, input.name, null);
    const lastSequence = Math.max(-1, ...categories.map((category) => category.sequence));
    added = {
      id,
      name: input.name.trim(),
      weight: input.weight,
      sequence: input.sequence ?? lastSequence + 1,
      locked: false,
      courseCategoryId: null,
    };
    return [...categories, added];
  });
  return { ...result, category: added! };
}

/** Changes the name, weight or sequence of an unlocked category. */
export async function updateSectionCategory(
  collections: Collections,
  sectionId: string,
  categoryId: string,
  changes: CategoryChanges,
  options: CategoryEditOptions = {},
): Promise<SectionCategories & { category: SectionCategory }> {
  let updated: SectionCategory | undefined;
  const result = await editCategories(collections, sectionId, options, (section, categories) => {
    const current = findEditable(section, categories, categoryId, 'change');
    if (changes.name !== undefined) {
      requireUniqueName(section, categories, changes.name, categoryId);
    }
    const next: SectionCategory = {
      ...current,
      name: changes.name?.trim() ?? current.name,
      weight: changes.weight ?? current.weight,
      sequence: changes.sequence ?? current.sequence,
    };
    updated = next;
    if (
      next.name === current.name &&
      next.weight === current.weight &&
      next.sequence === current.sequence
    ) {
      return categories;
    }
    return categories.map((category) => (category.id === categoryId ? next : category));
  });
  return { ...result, category: updated! };
}

/** Deletes an unlocked category that no assignment of the section uses. */
export async function removeSectionCategory(
  collections: Collections,
  sectionId: string,
  categoryId: string,
  options: CategoryEditOptions = {},
): Promise<SectionCategories & { category: SectionCategory }> {
  let removed: SectionCategory | undefined;
  const result = await editCategories(
    collections,
    sectionId,
    options,
    async (section, categories) => {
      removed = findEditable(section, categories, categoryId, 'delete');
      // NOTE: an assignment created between this count and the write is not seen. This API
      // creates no assignments, so only an import running at the same moment can do that.
      const assignmentCount = await collections.assignments.countDocuments({
        sectionId,
        categoryId,
      });
      if (assignmentCount > 0) {
        const noun = assignmentCount === 1 ? 'assignment uses' : 'assignments use';
        throw new CategoryEditError(
          'hasAssignments',
          `category "${removed.name}" cannot be deleted because ${assignmentCount} ${noun} it; move or delete them first`,
          { categoryId, assignmentCount },
        );
      }
      return categories.filter((category) => category.id !== categoryId);
    },
  );
  return { ...result, category: removed! };
}

/**
 * Reads the section, lets `edit` validate the change against the categories read and return the
 * new list, and writes it only if the section's version is still the one read. When a push or
 * another edit wrote in between, the write matches nothing, and the edit runs again on a fresh
 * read, so its checks see the other writer's result and neither write is lost. An `edit` that
 * returns the list it was given changes nothing and writes nothing.
 */
async function editCategories(
  collections: Collections,
  sectionId: string,
  options: CategoryEditOptions,
  edit: (
    section: SectionDoc,
    categories: SectionCategory[],
  ) => SectionCategory[] | Promise<SectionCategory[]>,
): Promise<SectionCategories> {
  for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
    const section = await readSection(collections, sectionId, options.scope);
    if (options.expectedVersion !== undefined && section.version !== options.expectedVersion) {
      throw new CategoryEditError(
        'versionMismatch',
        `section "${sectionId}" is at version ${section.version}, not ${options.expectedVersion}; read its categories again and retry`,
        { version: section.version, expectedVersion: options.expectedVersion },
      );
    }
    const next = await edit(section, section.setup.categories);
    if (next === section.setup.categories) {
      return describe(sectionId, section.version, next);
    }
    await options.afterRead?.(section);

    const result = await collections.sections.updateOne(
      { _id: sectionId, version: section.version },
      { $set: { 'setup.categories': next }, $inc: { version: 1 } },
    );
    if (result.matchedCount === 1) {
      return describe(sectionId, section.version + 1, next);
    }
  }
  throw new CategoryEditError(
    'sectionBusy',
    `section "${sectionId}" kept changing during ${MAX_WRITE_ATTEMPTS} write attempts; try again`,
  );
}

async function readSection(
  collections: Collections,
  sectionId: string,
  scope: Filter<SectionDoc> = {},
): Promise<SectionDoc> {
  const section = await collections.sections.findOne({ ...scope, _id: sectionId });
  if (!section) {
    throw new CategoryEditError('sectionNotFound', `section "${sectionId}" not found`, {
      sectionId,
    });
  }
  return section;
}

/** Returns the category, or throws when it is missing or locked by the course. */
function findEditable(
  section: SectionDoc,
  categories: readonly SectionCategory[],
  categoryId: string,
  action: 'change' | 'delete',
): SectionCategory {
  const category = categories.find((candidate) => candidate.id === categoryId);
  if (!category) {
    throw new CategoryEditError(
      'categoryNotFound',
      `category "${categoryId}" not found in section "${section._id}"`,
      { categoryId },
    );
  }
  if (category.locked) {
    throw new CategoryEditError(
      'locked',
      `category "${category.name}" comes from course "${section.courseId}" and is locked, so teachers cannot ${action} it; ${action} it on the course and push the course to its sections`,
      { categoryId, courseId: section.courseId, courseCategoryId: category.courseCategoryId },
    );
  }
  return category;
}

/** Throws `duplicateName` when another category of the section has the same name key. */
function requireUniqueName(
  section: SectionDoc,
  categories: readonly SectionCategory[],
  name: string,
  exceptId: string | null,
): void {
  const key = categoryNameKey(name);
  const clash = categories.find(
    (category) => category.id !== exceptId && categoryNameKey(category.name) === key,
  );
  if (clash) {
    throw new CategoryEditError(
      'duplicateName',
      `section "${section._id}" already has category "${clash.name}" (id "${clash.id}"); names compare trimmed and ignoring case, so choose another name`,
      { categoryId: clash.id, name: clash.name },
    );
  }
}

function describe(
  sectionId: string,
  version: number,
  categories: readonly SectionCategory[],
): SectionCategories {
  const ordered = [...categories].sort(
    (left, right) =>
      left.sequence - right.sequence ||
      categoryNameKey(left.name).localeCompare(categoryNameKey(right.name), 'en-US') ||
      left.id.localeCompare(right.id, 'en-US'),
  );
  return { sectionId, version, categories: ordered };
}
