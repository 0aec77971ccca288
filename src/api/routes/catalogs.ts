import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { z } from 'zod';
import type { Claims } from '../../auth/claims.js';
import { createCatalog, createCourseMaster, DuplicateIdError } from '../../db/master-repository.js';
import { MASTER_PUSH_MODES } from '../../domain/master-push.js';
import { gradingSetupUpdateSchema, PUSH_ITEMS, pushItemSchema } from '../../domain/setup.js';
import type { ApiDependencies, AppEnv } from '../context.js';
import { apiError } from '../errors.js';
import { jsonBody } from '../validation.js';
import { requesterOf, startWithKey } from './pushes.js';

/** Id of a catalog or course master that a client chooses. The server generates a UUID if absent. */
export const documentIdSchema = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9._:-]+$/, 'an id contains only letters, digits, ".", "_", ":" and "-"');

/** Locks to set on a course master, per item. Items left out keep their lock. */
export const itemLocksSchema = z
  .object({
    categories: z.boolean().optional(),
    gradeCalcOptions: z.boolean().optional(),
    composites: z.boolean().optional(),
    advisory: z.boolean().optional(),
  })
  .strict();

const catalogSchema = z
  .object({
    id: documentIdSchema.optional(),
    name: z.string().trim().min(1, 'a catalog name is required').max(200),
    districtId: z.string().trim().min(1).nullable().default(null),
  })
  .strict();

const courseMasterSchema = z
  .object({
    id: documentIdSchema.optional(),
    title: z.string().trim().min(1, 'a course master title is required').max(200),
    setup: gradingSetupUpdateSchema.optional(),
    locks: itemLocksSchema.optional(),
  })
  .strict();

const catalogPushSchema = z
  .object({
    calendarIds: z
      .array(z.string().trim().min(1))
      .min(1, 'name at least one calendar id; GET /calendars lists them')
      .refine((ids) => new Set(ids).size === ids.length, 'list each calendar once'),
    mode: z.enum(MASTER_PUSH_MODES, {
      error: `mode is required: "lockedOnly" pushes only the items the masters lock, "overwrite" replaces every selected item`,
    }),
    pushToSections: z.boolean({
      error: 'pushToSections is required: true continues each changed course to its sections',
    }),
    items: z
      .array(pushItemSchema)
      .min(1, `select at least one item: ${PUSH_ITEMS.join(', ')}`)
      .refine((items) => new Set(items).size === items.length, 'list each item once')
      .default([...PUSH_ITEMS]),
    confirm: z.boolean().optional(),
  })
  .strict();

/** Only district admins manage catalogs and course masters, because both are district-wide. */
export function requireDistrictAdmin(claims: Claims, action: string): void {
  if (claims.role !== 'districtAdmin') {
    throw apiError(403, 'forbidden', `only a district admin may ${action}`);
  }
}

/** Course catalogs: create and read them, add course masters, and push all their masters. */
export function catalogRoutes({ collections, pushes, logger }: ApiDependencies) {
  const app = new Hono<AppEnv>();

  app.post('/catalogs', jsonBody(catalogSchema), async (c) => {
    const claims = c.get('claims');
    requireDistrictAdmin(claims, 'create a course catalog');
    const body = c.req.valid('json');

    const catalog = await rejectDuplicate(() =>
      createCatalog(collections, {
        _id: body.id ?? randomUUID(),
        name: body.name,
        districtId: body.districtId,
      }),
    );
    logger.info({ catalogId: catalog._id, by: claims.sub }, 'Catalog created');
    return c.json(catalog, 201);
  });

  app.get('/catalogs', async (c) => {
    requireDistrictAdmin(c.get('claims'), 'list course catalogs');
    const catalogs = await collections.catalogs.find({}).sort({ _id: 1 }).toArray();
    return c.json({ catalogs });
  });

  app.get('/catalogs/:catalogId', async (c) => {
    requireDistrictAdmin(c.get('claims'), 'read a course catalog');
    const catalogId = c.req.param('catalogId');
    const catalog = await findCatalog(catalogId);
    const courseMasters = await collections.courseMasters
      .find({ catalogId }, { projection: { setup: 0 } })
      .sort({ _id: 1 })
      .toArray();
    return c.json({ ...catalog, courseMasters });
  });

  app.post('/catalogs/:catalogId/course-masters', jsonBody(courseMasterSchema), async (c) => {
    const claims = c.get('claims');
    requireDistrictAdmin(claims, 'create a course master');
    const catalogId = c.req.param('catalogId');
    await findCatalog(catalogId);
    const body = c.req.valid('json');

    const master = await rejectDuplicate(() =>
      createCourseMaster(collections, {
        _id: body.id ?? randomUUID(),
        catalogId,
        title: body.title,
        setup: body.setup,
        locks: body.locks,
      }),
    );
    logger.info(
      { catalogId, masterId: master._id, locks: master.locks, by: claims.sub },
      'Course master created',
    );
    return c.json(master, 201);
  });

  app.post('/catalogs/:catalogId/pushes', jsonBody(catalogPushSchema), async (c) => {
    const claims = c.get('claims');
    requireDistrictAdmin(claims, 'push course masters');
    const catalogId = c.req.param('catalogId');
    await findCatalog(catalogId);
    const body = c.req.valid('json');
    await requireCalendars(body.calendarIds);
    if (body.confirm !== true) {
      throw apiError(
        422,
        'confirmation_required',
        `a catalog push replaces the grading setup of every linked course of catalog "${catalogId}" ` +
          'in the chosen calendars and, with pushToSections, of their sections, which can change ' +
          'live grades; send the request again with "confirm": true',
      );
    }

    const { started, replayed } = await startWithKey(
      collections,
      c,
      `catalog:${catalogId}`,
      body,
      () =>
        pushes.startCatalogPush({
          catalogId,
          calendarIds: body.calendarIds,
          mode: body.mode,
          items: body.items,
          pushToSections: body.pushToSections,
          requestedBy: requesterOf(claims),
        }),
    );
    if (replayed) c.header('Idempotent-Replayed', 'true');
    return c.json(
      {
        pushId: started.pushId,
        state: 'queued',
        workflowId: started.workflowId,
        runId: started.runId,
        links: {
          self: `/pushes/${encodeURIComponent(started.pushId)}`,
          list: `/pushes?catalogId=${encodeURIComponent(catalogId)}`,
        },
      },
      202,
    );
  });

  async function findCatalog(catalogId: string) {
    const catalog = await collections.catalogs.findOne({ _id: catalogId });
    if (!catalog) {
      throw apiError(
        404,
        'not_found',
        `catalog "${catalogId}" not found; GET /catalogs lists them`,
      );
    }
    return catalog;
  }

  async function requireCalendars(calendarIds: string[]): Promise<void> {
    const found = await collections.calendars.distinct('_id', { _id: { $in: calendarIds } });
    const missing = calendarIds.filter((id) => !found.includes(id));
    if (missing.length > 0) {
      throw apiError(
        404,
        'not_found',
        `calendar ${missing.map((id) => `"${id}"`).join(', ')} not found; GET /calendars lists them`,
      );
    }
  }

  return app;
}

/** Runs a create and turns a duplicate id into a 409 response. */
export async function rejectDuplicate<T>(create: () => Promise<T>): Promise<T> {
  try {
    return await create();
  } catch (error) {
    if (error instanceof DuplicateIdError) throw apiError(409, 'already_exists', error.message);
    throw error;
  }
}
