import { createMiddleware } from 'hono/factory';
import { HTTPException } from 'hono/http-exception';
import { jwt } from 'hono/jwt';
import { administersSchool, claimsSchema, type Claims } from '../auth/claims.js';
import { TOKEN_ALGORITHM } from '../auth/token.js';
import type { AppEnv } from './context.js';
import { apiError } from './errors.js';

/** Verifies the bearer token and stores its claims on the context as `claims`. */
export function authentication(secret: string) {
  const verify = jwt({ secret, alg: TOKEN_ALGORITHM });
  return createMiddleware<AppEnv>(async (c, next) => {
    try {
      await verify(c, () => Promise.resolve());
    } catch (error) {
      // hono/jwt rejects a missing, malformed or expired token with a plain-text 401.
      if (error instanceof HTTPException && error.status === 401) {
        throw apiError(
          401,
          'invalid_token',
          `${error.message}: send "Authorization: Bearer <token>" with a valid, unexpired token from \`gradepush token\``,
        );
      }
      throw error;
    }

    const parsed = claimsSchema.safeParse(c.get('jwtPayload' as never));
    if (!parsed.success) {
      throw apiError(
        401,
        'invalid_token',
        'the token lacks a valid role claim (districtAdmin, schoolAdmin or teacher); create one with `gradepush token`',
      );
    }
    c.set('claims', parsed.data);
    await next();
  });
}

export function requireSchoolAdmin(claims: Claims, schoolId: string, action: string): void {
  if (!administersSchool(claims, schoolId)) {
    throw apiError(
      403,
      'forbidden',
      `only a district admin or an admin of school "${schoolId}" may ${action}`,
    );
  }
}

export function requireAdmin(claims: Claims): void {
  if (claims.role === 'teacher') {
    throw apiError(403, 'forbidden', 'teachers cannot use this route; it needs an admin token');
  }
}
