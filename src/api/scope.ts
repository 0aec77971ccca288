import type { Filter } from 'mongodb';
import type { Claims } from '../auth/claims.js';
import type { Collections } from '../db/mongo.js';
import type { SectionDoc } from '../db/types.js';

/** Section filter limiting a caller to what their role may read. */
export function sectionScope(claims: Claims): Filter<SectionDoc> {
  if (claims.role === 'districtAdmin') return {};
  if (claims.role === 'schoolAdmin') return { schoolId: { $in: claims.schools } };
  return { teacherIds: claims.sub };
}

/**
 * Filter on `schoolId` (and for teachers on `_id` through their sections) limiting calendars or
 * courses to what the caller may read.
 */
export async function scopeByField(
  claims: Claims,
  collections: Collections,
  sectionField: 'calendarId' | 'courseId',
): Promise<Record<string, unknown>> {
  if (claims.role === 'districtAdmin') return {};
  if (claims.role === 'schoolAdmin') return { schoolId: { $in: claims.schools } };
  const ids = await collections.sections.distinct(sectionField, { teacherIds: claims.sub });
  return { _id: { $in: ids } };
}
