import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import { resolver, uniqueSymbol } from 'hono-openapi';
import type { z } from 'zod';
import { validationError } from './errors';

/**
 * `zValidator` that reports failures in the project's error shape, with field paths; /openapi.json documents
 * the schema as the route's request body or parameters.
 */
export const validate = <Target extends keyof ValidationTargets, Schema extends z.ZodType>(target: Target, schema: Schema) =>
  Object.assign(
    zValidator(target, schema, (result) => {
      if (!result.success) throw validationError(target, result.error);
    }),
    { [uniqueSymbol]: { target, ...resolver(schema) } },
  );
