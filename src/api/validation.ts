import { zValidator } from '@hono/zod-validator';
import type { z } from 'zod';
import { validationError } from './errors.js';

/** Validates the JSON body against a zod schema; an invalid body gets a 400 listing each issue. */
export function jsonBody<T extends z.ZodType>(schema: T) {
  return zValidator('json', schema, (result) => {
    if (!result.success) throw validationError(result.error.issues);
  });
}

export function queryParams<T extends z.ZodType>(schema: T) {
  return zValidator('query', schema, (result) => {
    if (!result.success) throw validationError(result.error.issues);
  });
}
