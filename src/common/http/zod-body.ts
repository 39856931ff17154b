import { z } from 'zod';
import { toJsonPath } from '../json-path';
import { ApiError } from '../api-error';

/** Parses an admin request part with zod; a failure is a 400 naming the path of each problem. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what = 'request body'): z.infer<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  throw new ApiError(
    400,
    'INVALID_REQUEST',
    `invalid ${what}`,
    result.error.issues.flatMap(issueDetails),
  );
}

/** One detail per problem; an unknown key is named in its own path, so a client sees which field to drop. */
function issueDetails(issue: z.core.$ZodIssue): Array<{ path: string; message: string }> {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: toJsonPath([...issue.path, key]), message: 'unknown field' }));
  }
  return [{ path: toJsonPath(issue.path), message: issue.message }];
}

/** JSON Schema for OpenAPI, generated from the same zod schema that validates the request. */
export function openApiSchema(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
