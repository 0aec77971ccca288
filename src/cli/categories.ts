import { Command, InvalidArgumentError } from 'commander';
import type { z } from 'zod';
import { dbName } from '../config.js';
import { connectDatabase, type Collections } from '../db/mongo.js';
import {
  addSectionCategory,
  categoryChangesSchema,
  listSectionCategories,
  newCategorySchema,
  removeSectionCategory,
  updateSectionCategory,
  type SectionCategories,
} from '../db/section-repository.js';
import { configuredAddresses } from './addresses.js';

/**
 * Builds `gradepush categories`, which edits a section's categories in the database directly,
 * with the rules and version guard of the API but without its access checks.
 */
export function categoriesCommand(): Command {
  const command = new Command('categories').description(
    "List and edit a section's gradebook categories (locked course categories cannot change)",
  );

  command
    .command('list')
    .description('List the categories of a section in display order')
    .requiredOption('--section <sectionId>', 'section to list')
    .action(async (options: { section: string }) => {
      const result = await withCollections((collections) =>
        listSectionCategories(collections, options.section),
      );
      printCategories(result);
    });

  command
    .command('add')
    .description('Add a teacher category to a section')
    .argument('<name>', 'category name, at most 50 characters and unique in the section')
    .requiredOption('--section <sectionId>', 'section to change')
    .requiredOption('--weight <ratio>', 'weight, a non-negative ratio such as 2', parseNumber)
    .option('--sequence <n>', 'display order (default: after the last category)', parseNumber)
    .action(
      async (name: string, options: { section: string; weight: number; sequence?: number }) => {
        const input = parseWith(newCategorySchema, {
          name,
          weight: options.weight,
          sequence: options.sequence,
        });
        const result = await withCollections((collections) =>
          addSectionCategory(collections, options.section, input),
        );
        console.log(`Added category ${result.category.id}.`);
        printCategories(result);
      },
    );

  command
    .command('rename')
    .description('Rename a teacher category of a section')
    .argument('<categoryId>', 'category to rename (see `categories list`)')
    .argument('<name>', 'new name, at most 50 characters and unique in the section')
    .requiredOption('--section <sectionId>', 'section to change')
    .action(async (categoryId: string, name: string, options: { section: string }) => {
      const changes = parseWith(categoryChangesSchema, { name });
      const result = await withCollections((collections) =>
        updateSectionCategory(collections, options.section, categoryId, changes),
      );
      printCategories(result);
    });

  command
    .command('remove')
    .description('Delete a teacher category that no assignment uses')
    .argument('<categoryId>', 'category to delete (see `categories list`)')
    .requiredOption('--section <sectionId>', 'section to change')
    .action(async (categoryId: string, options: { section: string }) => {
      const result = await withCollections((collections) =>
        removeSectionCategory(collections, options.section, categoryId),
      );
      console.log(`Deleted category ${categoryId}.`);
      printCategories(result);
    });

  return command;
}

async function withCollections<T>(work: (collections: Collections) => Promise<T>): Promise<T> {
  const database = await connectDatabase(configuredAddresses().mongoUri, dbName());
  try {
    return await work(database.collections);
  } finally {
    await database.close();
  }
}

function parseNumber(value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number)) {
    throw new InvalidArgumentError(`"${value}" is not a number`);
  }
  return number;
}

function parseWith<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new InvalidArgumentError(`invalid category: ${issues.join('; ')}`);
}

function printCategories(result: SectionCategories): void {
  console.log(`Section ${result.sectionId}, version ${result.version}:`);
  for (const category of result.categories) {
    const origin = category.locked ? 'locked (course)' : 'teacher';
    console.log(
      `  ${category.id.padEnd(24)} ${category.name.padEnd(50)} weight ${category.weight}, sequence ${category.sequence}, ${origin}`,
    );
  }
}
