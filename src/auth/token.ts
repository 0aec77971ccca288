import type { z } from 'zod';
import { sign } from 'hono/jwt';
import { claimsSchema, type Claims } from './claims.js';

export const TOKEN_ALGORITHM = 'HS256';

/** Signs an API token with the given claims, valid for `ttlSeconds`. */
export async function signToken(
  claims: z.input<typeof claimsSchema>,
  secret: string,
  ttlSeconds = 12 * 3600,
): Promise<string> {
  const parsed: Claims = claimsSchema.parse(claims);
  const now = Math.floor(Date.now() / 1000);
  return sign({ ...parsed, iat: now, exp: now + ttlSeconds }, secret, TOKEN_ALGORITHM);
}
