import { z } from 'zod';

/** The shape of every error answer, as OpenAPI documents it. */
export const errorBodySchema = z
  .object({
    code: z.string().describe('Stable machine-readable code, e.g. INVALID_REQUEST, NOT_FOUND, READ_ONLY_TOKEN'),
    message: z.string(),
    details: z.unknown().optional().describe('For 400: a list of `{ path, message }`, path as a JSON path'),
  })
  .describe('Every error answer');
