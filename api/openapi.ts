/**
 * `GET /openapi.json`, generated from the app's routes (hono-openapi): request bodies and parameters from the
 * zod schemas `validate` checks, security from `requireScope`, summary and responses from `doc` on each route.
 */
import type { Context, Env, Hono, Schema } from 'hono';
import { describeRoute, generateSpecs } from 'hono-openapi';

/** A route's summary and what each status it answers means. */
export const doc = (summary: string, responses: Record<number, string>) =>
  describeRoute({
    summary,
    responses: Object.fromEntries(Object.entries(responses).map(([status, description]) => [status, { description }])),
  });

const options: Parameters<typeof generateSpecs>[1] = {
  // Else /openapi.json, whose last segment has a dot, would be left out as a "static file".
  excludeStaticFile: false,
  documentation: {
    info: { title: 'OMS API', version: '1', description: 'Errors: { error: { code, message, issues? } }' },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
  },
  defaultValidationErrorResponse: {
    description: 'invalid request, with field paths (VALIDATION_FAILED)',
    content: {
      'application/json': {
        schema: {
          type: 'object',
          properties: {
            error: {
              type: 'object',
              properties: {
                code: { type: 'string' },
                message: { type: 'string' },
                issues: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } }, required: ['path', 'message'] } },
              },
              required: ['code', 'message'],
            },
          },
          required: ['error'],
        },
      },
    },
  },
};

/** The document of every route of `app` (computed on the first request). */
export function openApiRoute<E extends Env, S extends Schema, P extends string>(app: Hono<E, S, P>) {
  let document: Awaited<ReturnType<typeof generateSpecs>> | undefined;
  return async (c: Context) => {
    document ??= withDistinctSecurity(await generateSpecs(app, options));
    return c.json(document);
  };
}

/** A scope required for a whole sub-app (`.use(requireScope(…))`) is merged into each of its routes once per handler. */
function withDistinctSecurity<D extends { paths: Record<string, Record<string, unknown>> }>(document: D): D {
  for (const operations of Object.values(document.paths)) {
    for (const operation of Object.values(operations) as { security?: unknown[] }[]) {
      if (operation?.security) operation.security = [...new Map(operation.security.map((s) => [JSON.stringify(s), s])).values()];
    }
  }
  return document;
}
