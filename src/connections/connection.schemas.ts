import { z } from 'zod';

const jsonObject = z.record(z.string(), z.unknown());

export const createConnectionSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  provider: z.string().trim().min(1).max(50),
  accountId: z.string().trim().min(1).max(255),
  teamId: z.string().trim().min(1).max(255).nullish(),
  credentials: jsonObject.optional(),
  settings: jsonObject.optional(),
  enabled: z.boolean().optional(),
});
export type CreateConnectionInput = z.infer<typeof createConnectionSchema>;

export const updateConnectionSchema = createConnectionSchema.partial();
export type UpdateConnectionInput = z.infer<typeof updateConnectionSchema>;

/** What the API answers about a connection: credentials never appear, only whether they are set. */
export interface ConnectionView {
  id: string;
  name: string;
  provider: string;
  accountId: string;
  teamId: string | null;
  settings: Record<string, unknown>;
  enabled: boolean;
  hasCredentials: boolean;
  createdAt: string;
  updatedAt: string;
}
