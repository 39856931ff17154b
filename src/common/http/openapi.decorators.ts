import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { z } from 'zod';
import { errorBodySchema } from './error-body.schema';

type JsonSchema = Record<string, unknown>;

/**
 * JSON Schema for one side of a zod schema. `$schema` is dropped: OpenAPI embeds the schema and some
 * tools reject the key there.
 */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

/** The request body, described by the zod schema that validates it. */
export const ApiZodBody = (schema: z.ZodType, description?: string) =>
  ApiBody({ schema: jsonSchemaOf(schema, 'input'), ...(description ? { description } : {}) });

/** One query parameter per key of the zod object that validates the query. */
export function ApiZodQuery(schema: z.ZodObject): MethodDecorator {
  const json = jsonSchemaOf(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  const required = new Set(json.required ?? []);
  return applyDecorators(
    ...Object.entries(json.properties ?? {}).map(([name, property]) =>
      ApiQuery({
        name,
        required: required.has(name),
        schema: property,
        ...(typeof property.description === 'string' ? { description: property.description } : {}),
      }),
    ),
  );
}

/** A success answer, described by a zod schema of what the route returns. */
export const ApiZodResponse = (status: number, schema: z.ZodType, description: string) =>
  ApiResponse({ status, description, schema: jsonSchemaOf(schema, 'output') });

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'invalid request: `details` lists each problem as `{ path, message }` (JSON path)',
  401: 'missing or invalid admin token',
  403: 'a read-only token on a route that changes something',
  404: 'not found',
  409: 'the target is not in a state that allows this',
  503: 'database unreachable; retry',
};

/** Error answers, every one in the common `{ code, message, details }` shape. */
export function ApiErrors(...statuses: number[]): MethodDecorator {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({ status, description: ERROR_DESCRIPTIONS[status] ?? 'error', schema: jsonSchemaOf(errorBodySchema, 'output') }),
    ),
  );
}

/** Every admin route: bearer token, and the errors any admin route can answer. */
export const ApiAdminRoute = () => applyDecorators(ApiBearerAuth(), ApiErrors(401, 503));

/** Admin routes that change something: read-only tokens get a 403. */
export const ApiAdminWrite = () => applyDecorators(ApiAdminRoute(), ApiErrors(403));
