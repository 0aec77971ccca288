import { z } from 'zod';

/** The four grading-setup items a push can carry from a course to its sections. */
export const PUSH_ITEMS = ['categories', 'gradeCalcOptions', 'composites', 'advisory'] as const;
export type PushItem = (typeof PUSH_ITEMS)[number];
export const pushItemSchema = z.enum(PUSH_ITEMS);

export const CATEGORY_NAME_MAX = 50;

/** Upper bounds on a setup's lists, which keep a setup far below Temporal's 2 MB payload limit. */
export const SETUP_LIMITS = {
  categories: 100,
  gradeCalcOptions: 100,
  composites: 50,
  compositeChildren: 20,
} as const;

export const categoryNameSchema = z
  .string()
  .trim()
  .min(1, 'a category name is required')
  .max(CATEGORY_NAME_MAX, `a category name has at most ${CATEGORY_NAME_MAX} characters`);

/** A category defined on a course. Weight is a ratio (2 and 1 count two to one), not a percent. */
export const courseCategorySchema = z.object({
  id: z.string().trim().min(1).max(100),
  name: categoryNameSchema,
  weight: z.number().finite().min(0, 'a category weight cannot be negative'),
  sequence: z.number().int().min(0),
});
export type CourseCategory = z.infer<typeof courseCategorySchema>;

export const CALCULATION_TYPES = ['none', 'inProgress', 'proficiencyEstimate'] as const;

/** Grade calc options for one term of the calendar. */
export const gradeCalcOptionSchema = z.object({
  termId: z.string().trim().min(1),
  calculationType: z.enum(CALCULATION_TYPES),
  gradingScale: z.string().trim().min(1).nullable().default(null),
  weightCategories: z.boolean().default(false),
  useScorePercent: z.boolean().default(false),
  limitToLastN: z.number().int().positive().nullable().default(null),
  cumulativeStartTermId: z.string().trim().min(1).nullable().default(null),
});
export type GradeCalcOption = z.infer<typeof gradeCalcOptionSchema>;

/** A composite grading task (a semester, say) computed from weighted child tasks. */
export const compositeSchema = z.object({
  taskId: z.string().trim().min(1),
  name: z.string().trim().min(1).max(100),
  children: z
    .array(
      z.object({
        taskId: z.string().trim().min(1),
        weight: z.number().finite().min(0),
      }),
    )
    .min(1, 'a composite grade needs at least one child task')
    .max(
      SETUP_LIMITS.compositeChildren,
      `a composite grade has at most ${SETUP_LIMITS.compositeChildren} child tasks`,
    ),
});
export type Composite = z.infer<typeof compositeSchema>;

export interface GradingSetup {
  categories: CourseCategory[];
  gradeCalcOptions: GradeCalcOption[];
  composites: Composite[];
  advisory: boolean;
}

export type ItemVersions = Record<PushItem, number>;

export const ZERO_VERSIONS: ItemVersions = {
  categories: 0,
  gradeCalcOptions: 0,
  composites: 0,
  advisory: 0,
};

export const EMPTY_SETUP: GradingSetup = {
  categories: [],
  gradeCalcOptions: [],
  composites: [],
  advisory: false,
};

/** A category as a section holds it: either the locked copy of a course category or the teacher's own. */
export interface SectionCategory {
  id: string;
  name: string;
  weight: number;
  sequence: number;
  /** Locked categories came from the course: teachers cannot edit or delete them. */
  locked: boolean;
  /** The course category this copy follows; null for a teacher's own category. */
  courseCategoryId: string | null;
}

/** The part of a section that pushes write. */
export interface SectionSetup {
  categories: SectionCategory[];
  gradeCalcOptions: GradeCalcOption[];
  composites: Composite[];
  advisory: boolean;
}

export const EMPTY_SECTION_SETUP: SectionSetup = {
  categories: [],
  gradeCalcOptions: [],
  composites: [],
  advisory: false,
};

/** Normalizes a category name for comparison: trimmed and case-insensitive. */
export function categoryNameKey(name: string): string {
  return name.trim().toLocaleLowerCase('en-US');
}

const courseCategoriesSchema = z
  .array(courseCategorySchema)
  .max(SETUP_LIMITS.categories, `a course has at most ${SETUP_LIMITS.categories} categories`)
  .superRefine((categories, ctx) => {
    const ids = new Set<string>();
    const names = new Map<string, string>();
    categories.forEach((category, index) => {
      if (ids.has(category.id)) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'id'],
          message: `category id "${category.id}" is used twice; give each category its own id`,
        });
      }
      ids.add(category.id);
      const key = categoryNameKey(category.name);
      const earlier = names.get(key);
      if (earlier !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'name'],
          message: `category name "${category.name}" repeats "${earlier}" (names compare without case); rename one`,
        });
      }
      names.set(key, category.name);
    });
  });

const gradeCalcOptionsSchema = z
  .array(gradeCalcOptionSchema)
  .max(
    SETUP_LIMITS.gradeCalcOptions,
    `a course has at most ${SETUP_LIMITS.gradeCalcOptions} grade calc options`,
  )
  .superRefine((options, ctx) => {
    const terms = new Set<string>();
    options.forEach((option, index) => {
      if (terms.has(option.termId)) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'termId'],
          message: `term "${option.termId}" has two grade calc options; keep one per term`,
        });
      }
      terms.add(option.termId);
    });
  });

/** Body of a grading-setup update: any subset of the four items, each replaced whole. */
export const gradingSetupUpdateSchema = z
  .object({
    categories: courseCategoriesSchema.optional(),
    gradeCalcOptions: gradeCalcOptionsSchema.optional(),
    composites: z
      .array(compositeSchema)
      .max(SETUP_LIMITS.composites, `a course has at most ${SETUP_LIMITS.composites} composites`)
      .optional(),
    advisory: z.boolean().optional(),
  })
  .strict()
  .refine((update) => Object.keys(update).length > 0, {
    message: `name at least one of ${PUSH_ITEMS.join(', ')}`,
  });
export type GradingSetupUpdate = z.infer<typeof gradingSetupUpdateSchema>;

/**
 * Checks a setup update against the calendar it applies to: every term a grade calc option
 * names must be one of the calendar's terms, and no composite may list itself or a child twice.
 * Returns one message per problem, each naming the value and the fix.
 */
export function checkSetupAgainstTerms(
  update: GradingSetupUpdate,
  termIds: readonly string[],
  calendarId: string,
): string[] {
  const known = new Set(termIds);
  const problems: string[] = [];
  const termList = termIds.length > 0 ? termIds.join(', ') : 'none';
  update.gradeCalcOptions?.forEach((option, index) => {
    for (const [field, termId] of [
      ['termId', option.termId],
      ['cumulativeStartTermId', option.cumulativeStartTermId],
    ] as const) {
      if (termId !== null && !known.has(termId)) {
        problems.push(
          `gradeCalcOptions.${index}.${field}: term "${termId}" is not a term of calendar "${calendarId}"; use one of ${termList}`,
        );
      }
    }
  });
  update.composites?.forEach((composite, index) => {
    const seen = new Set<string>();
    for (const child of composite.children) {
      if (child.taskId === composite.taskId) {
        problems.push(
          `composites.${index}.children: composite "${composite.taskId}" lists itself as a child; remove it`,
        );
      } else if (seen.has(child.taskId)) {
        problems.push(
          `composites.${index}.children: child "${child.taskId}" is listed twice; list each child once`,
        );
      }
      seen.add(child.taskId);
    }
  });
  return problems;
}
