import { z } from 'zod';
import { defineConnectionContract } from '../../kit/connection-contract';
import {
  destinationSetting,
  rateLimitSetting,
  secretString,
  timeoutMsSetting,
  urlSetting,
  userIdSetting,
} from '../../kit/connection-settings';

/**
 * Workable's SPI is `https://{subdomain}.workable.com/spi/v3` (Workable API docs, "Getting started"). The
 * subdomain becomes part of a host name, so it must be one DNS label: anything else could point elsewhere.
 */
export const WORKABLE_CONTRACT = defineConnectionContract({
  provider: 'workable',
  vendorDomains: ['workable.com'],
  credentials: { token: secretString },
  settings: {
    subdomain: destinationSetting(
      z.preprocess(
        (v) => (v === '' || v === null ? undefined : typeof v === 'string' ? v.trim().toLowerCase() : v),
        z
          .string()
          .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'must be the account subdomain (one DNS label)')
          .optional(),
      ),
    ),
    baseUrl: urlSetting(),
    userId: userIdSetting,
    rateLimit: rateLimitSetting,
    timeoutMs: timeoutMsSetting,
  },
  refine: (settings, ctx) => {
    if (!settings.subdomain && !settings.baseUrl) {
      ctx.addIssue({ code: 'custom', path: ['subdomain'], message: 'required (or settings.baseUrl)' });
    }
  },
});
