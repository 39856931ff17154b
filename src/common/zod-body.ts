import { z } from 'zod';
import { toJsonPath } from '../webhook/meeting-payload.schema';
import { ApiError } from './api-error';

/** Parses an admin request part with zod; a failure is a 400 naming the path of each problem. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what = 'request body'): z.infer<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  throw new ApiError(
    400,
    'INVALID_REQUEST',
    `invalid ${what}`,
    result.error.issues.map((i) => ({ path: toJsonPath(i.path), message: i.message })),
  );
}

/** JSON Schema for OpenAPI, generated from the same zod schema that validates the request. */
export function openApiSchema(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
