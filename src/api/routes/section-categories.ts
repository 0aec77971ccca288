import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import {
  addSectionCategory,
  CategoryEditError,
  categoryChangesSchema,
  listSectionCategories,
  newCategorySchema,
  removeSectionCategory,
  updateSectionCategory,
  type CategoryEditFailure,
  type CategoryEditOptions,
  type SectionCategories,
} from '../../db/section-repository.js';
import type { ApiDependencies, AppEnv } from '../context.js';
import { apiError } from '../errors.js';
import { sectionScope } from '../scope.js';
import { jsonBody } from '../validation.js';

const FAILURE_STATUS: Record<CategoryEditFailure, [ContentfulStatusCode, string]> = {
  sectionNotFound: [404, 'not_found'],
  categoryNotFound: [404, 'not_found'],
  locked: [409, 'category_locked'],
  hasAssignments: [409, 'category_has_assignments'],
  duplicateName: [409, 'duplicate_category_name'],
  versionMismatch: [412, 'precondition_failed'],
  sectionBusy: [409, 'section_busy'],
};

/**
 * Routes for the categories of one section's gradebook. The section's teachers, admins of its
 * school and district admins may read and edit them. To anyone else the section does not exist
 * (404), as in GET /sections/:sectionId. Responses carry the section version as an ETag, and a
 * write with `If-Match` applies only to that version.
 */
export function sectionCategoryRoutes({ collections, logger }: ApiDependencies) {
  const app = new Hono<AppEnv>();

  app.get('/sections/:sectionId/categories', async (c) => {
    const sectionId = c.req.param('sectionId');
    const result = await run(sectionId, () =>
      listSectionCategories(collections, sectionId, { scope: sectionScope(c.get('claims')) }),
    );
    return respond(c, result, 200);
  });

  app.post('/sections/:sectionId/categories', jsonBody(newCategorySchema), async (c) => {
    const sectionId = c.req.param('sectionId');
    const result = await run(sectionId, () =>
      addSectionCategory(collections, sectionId, c.req.valid('json'), editOptions(c)),
    );
    logger.info(
      {
        sectionId,
        categoryId: result.category.id,
        version: result.version,
        by: c.get('claims').sub,
      },
      'Section category added',
    );
    return respond(c, result, 201);
  });

  app.patch(
    '/sections/:sectionId/categories/:categoryId',
    jsonBody(categoryChangesSchema),
    async (c) => {
      const { sectionId, categoryId } = c.req.param();
      const result = await run(sectionId, () =>
        updateSectionCategory(
          collections,
          sectionId,
          categoryId,
          c.req.valid('json'),
          editOptions(c),
        ),
      );
      logger.info(
        { sectionId, categoryId, version: result.version, by: c.get('claims').sub },
        'Section category changed',
      );
      return respond(c, result, 200);
    },
  );

  app.delete('/sections/:sectionId/categories/:categoryId', async (c) => {
    const { sectionId, categoryId } = c.req.param();
    const result = await run(sectionId, () =>
      removeSectionCategory(collections, sectionId, categoryId, editOptions(c)),
    );
    logger.info(
      { sectionId, categoryId, version: result.version, by: c.get('claims').sub },
      'Section category deleted',
    );
    return respond(c, result, 200);
  });

  return app;
}

/** Limits the edit to sections the caller may see and applies an `If-Match` precondition. */
function editOptions(c: Context<AppEnv>): CategoryEditOptions {
  const options: CategoryEditOptions = { scope: sectionScope(c.get('claims')) };
  const ifMatch = c.req.header('if-match');
  if (ifMatch === undefined || ifMatch.trim() === '*') return options;

  // NOTE: only one entity tag is accepted, although HTTP allows a comma-separated list.
  const match = /^\s*(?:W\/)?"(\d+)"\s*$/.exec(ifMatch);
  if (!match) {
    throw apiError(
      412,
      'precondition_failed',
      `If-Match ${ifMatch} names no section version; send the ETag of GET /sections/:sectionId/categories, such as "3"`,
    );
  }
  return { ...options, expectedVersion: Number(match[1]) };
}

/** Runs a repository call and turns its rejections into JSON errors. */
async function run<T>(sectionId: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof CategoryEditError)) throw error;
    const [status, code] = FAILURE_STATUS[error.reason];
    const message = withHint(error, sectionId);
    throw apiError(status, code, message, error.details);
  }
}

function withHint(error: CategoryEditError, sectionId: string): string {
  if (error.reason === 'sectionNotFound') {
    return `${error.message} (or not visible to you); GET /courses/:courseId/sections lists them`;
  }
  if (error.reason === 'categoryNotFound') {
    return `${error.message}; GET /sections/${sectionId}/categories lists them`;
  }
  return error.message;
}

function respond(
  c: Context<AppEnv>,
  result: SectionCategories & { category?: unknown },
  status: 200 | 201,
) {
  c.header('ETag', `"${result.version}"`);
  return c.json(result, status);
}
