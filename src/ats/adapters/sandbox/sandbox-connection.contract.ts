import { z } from 'zod';
import { defineConnectionContract } from '../../kit/connection-contract';
import { rateLimitSetting, timeoutMsSetting } from '../../kit/connection-settings';

const id = z.union([z.string().trim().min(1).max(255), z.number().int()]);

/**
 * The sandbox lives in Debrief's database: it needs no credentials and has no host; its candidates are settings.
 * Credentials given anyway are stored (encrypted, write-only) like any provider's and never used.
 */
export const SANDBOX_CONTRACT = defineConnectionContract({
  provider: 'sandbox',
  vendorDomains: [],
  credentials: {},
  openCredentials: true,
  settings: {
    candidates: z
      .array(
        z.looseObject({
          id,
          firstName: z.string().max(255).optional(),
          lastName: z.string().max(255).optional(),
          phones: z.array(z.string().max(64)).max(50).optional(),
          emails: z.array(z.string().max(320)).max(50).optional(),
        }),
      )
      .max(10_000)
      .optional(),
    rateLimit: rateLimitSetting,
    timeoutMs: timeoutMsSetting,
  },
});
