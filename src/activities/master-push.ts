import { ApplicationFailure, log } from '@temporalio/activity';
import type { Filter } from 'mongodb';
import { listIdsAfter, type Collections } from '../db/mongo.js';
import type { CourseDoc, CourseLink } from '../db/types.js';
import { applyMasterToCourse, findMasterControl } from '../db/master-repository.js';
import type { MasterControl } from '../domain/master-rules.js';
import type { MasterPushOptions } from '../domain/master-push.js';
import type { CourseMasterPushOutcome } from '../workflows/catalog-types.js';
import type { ResidualCategory } from '../workflows/types.js';

/** Course links a catalog push lists: linked courses are written, desynced ones fail with a reason. */
const PUSHED_LINKS: CourseLink[] = ['linked', 'desynced'];

export interface PageInput {
  /** Return ids greater than this one (pages are ordered by id). */
  after: string | null;
  limit: number;
}

export interface PushMasterToCourseInput extends MasterPushOptions {
  pushId: string;
  master: MasterControl;
  courseId: string;
}

/** Creates the catalog push activities, which `createActivities` spreads into the worker's set. */
export function createMasterPushActivities({ collections }: { collections: Collections }) {
  async function masterIdsOf(catalogId: string): Promise<string[]> {
    const masters = await collections.courseMasters
      .find({ catalogId }, { projection: { _id: 1 } })
      .toArray();
    return masters.map((master) => master._id);
  }

  function coursesOf(masterIds: string[], calendarIds: string[]): Filter<CourseDoc> {
    return {
      courseMasterId: { $in: masterIds },
      calendarId: { $in: calendarIds },
      link: { $in: PUSHED_LINKS },
    };
  }

  return {
    /** Counts the linked and desynced courses of the catalog's masters in the calendars. */
    async countCatalogPushCourses(input: {
      catalogId: string;
      calendarIds: string[];
    }): Promise<number> {
      const masterIds = await masterIdsOf(input.catalogId);
      if (masterIds.length === 0) return 0;
      return collections.courses.countDocuments(coursesOf(masterIds, input.calendarIds));
    },

    async listCatalogMasterIds(input: PageInput & { catalogId: string }): Promise<string[]> {
      const filter = { catalogId: input.catalogId };
      return listIdsAfter(collections.courseMasters, filter, input.after, input.limit);
    },

    /** Loads a master's setup and locks. A missing master fails its run without retrying. */
    async loadMasterControl(input: { masterId: string }): Promise<MasterControl> {
      const master = await findMasterControl(collections, input.masterId);
      if (!master) {
        throw ApplicationFailure.create({
          type: 'CourseMasterNotFound',
          message: `course master "${input.masterId}" not found; it may have been removed since the push started`,
          nonRetryable: true,
        });
      }
      return master;
    },

    async countMasterCourses(input: { masterId: string; calendarIds: string[] }): Promise<number> {
      return collections.courses.countDocuments(coursesOf([input.masterId], input.calendarIds));
    },

    /** Lists the master's linked and desynced courses in the calendars, a page at a time. */
    async listMasterCourseIds(
      input: PageInput & { masterId: string; calendarIds: string[] },
    ): Promise<string[]> {
      const filter = coursesOf([input.masterId], input.calendarIds);
      return listIdsAfter(collections.courses, filter, input.after, input.limit);
    },

    /**
     * Writes a master's setup onto one linked course by the master push rules. A desynced course,
     * a missing one and one aligned elsewhere since the listing fail without retrying.
     */
    async pushMasterToCourse(input: PushMasterToCourseInput): Promise<CourseMasterPushOutcome> {
      const { pushId, master, courseId } = input;
      const result = await applyMasterToCourse(collections, {
        master,
        courseId,
        options: { mode: input.mode, items: input.items },
        pushId,
        relink: false,
      });
      switch (result.outcome) {
        case 'notFound':
          throw ApplicationFailure.create({
            type: 'CourseNotFound',
            message: `course "${courseId}" not found; it may have been removed since the push started`,
            nonRetryable: true,
          });
        case 'notAligned':
          throw ApplicationFailure.create({
            type: 'CourseNotAligned',
            message: `course "${courseId}" is no longer aligned to course master "${master.masterId}" (now ${result.courseMasterId === null ? 'none' : `"${result.courseMasterId}"`})`,
            nonRetryable: true,
          });
        case 'desynced':
          throw ApplicationFailure.create({
            type: 'CourseDesynced',
            message: `course "${courseId}" is desynced from course master "${master.masterId}" because its setup was changed while the master left those items unlocked; relink it with POST /courses/${courseId}/relink, then push again`,
            nonRetryable: true,
          });
        case 'courseControlled':
          log.info('Course became course controlled; skipping it', { pushId, courseId });
          return { courseId, outcome: 'skipped', pushedItems: [], changedItems: [], residual: [] };
      }

      const sectionResidual = new Map<string, ResidualCategory[]>();
      const kept = new Map(result.residual.map((category) => [category.categoryId, category]));
      for (const copy of result.categoryUse.copies) {
        const category = kept.get(copy.courseCategoryId);
        if (category === undefined) continue;
        const list = sectionResidual.get(copy.sectionId) ?? [];
        list.push({
          categoryId: copy.sectionCategoryId,
          name: category.name,
          assignmentCount: copy.assignmentCount,
          reason: 'removedFromMaster',
        });
        sectionResidual.set(copy.sectionId, list);
      }
      log.info('Pushed course master to course', {
        pushId,
        masterId: master.masterId,
        courseId,
        outcome: result.outcome,
        changedItems: result.changedItems,
        keptCategories: result.residual.map((category) => category.categoryId),
      });
      return {
        courseId,
        outcome: result.outcome,
        pushedItems: result.pushedItems,
        changedItems: result.changedItems,
        residual: [...sectionResidual].map(([sectionId, categories]) => ({
          sectionId,
          categories,
        })),
      };
    },
  };
}
