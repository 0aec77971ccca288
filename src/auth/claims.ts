import { z } from 'zod';

export const ROLES = ['districtAdmin', 'schoolAdmin', 'teacher'] as const;
export type Role = (typeof ROLES)[number];

/** Claims a gradepush token carries besides the standard ones. */
export const claimsSchema = z.object({
  sub: z.string().min(1),
  role: z.enum(ROLES),
  /** Schools a school admin administers. */
  schools: z.array(z.string().min(1)).default([]),
  name: z.string().optional(),
});
export type Claims = z.infer<typeof claimsSchema>;

/** Returns whether the caller may push, or change the setup of, a calendar of this school. */
export function administersSchool(claims: Claims, schoolId: string): boolean {
  if (claims.role === 'districtAdmin') return true;
  return claims.role === 'schoolAdmin' && claims.schools.includes(schoolId);
}
