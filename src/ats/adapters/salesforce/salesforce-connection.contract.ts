import { z } from 'zod';
import { defineConnectionContract } from '../../kit/connection-contract';
import { intSetting, rateLimitSetting, secretString, timeoutMsSetting, urlSetting } from '../../kit/connection-settings';

export const SALESFORCE_NOTE_OBJECTS = ['ContentNote', 'Note', 'Task'] as const;
export type SalesforceNoteObject = (typeof SALESFORCE_NOTE_OBJECTS)[number];

const unsetIfEmpty = (value: unknown) => (value === '' || value === null ? undefined : value);

/**
 * Salesforce orgs live on `*.my.salesforce.com` (My Domain, where the client-credentials token is issued; sandboxes
 * on `*.sandbox.my.salesforce.com`) and older instance hosts on `*.salesforce.com` / `*.force.com`. The
 * `instance_url` the token answer names is held to the same rule by the HTTP client on every request.
 */
export const SALESFORCE_CONTRACT = defineConnectionContract({
  provider: 'salesforce',
  vendorDomains: ['salesforce.com', 'force.com'],
  credentials: {
    clientId: secretString,
    clientSecret: secretString,
  },
  settings: {
    /** The org's My Domain URL: the client-credentials flow is not served by login.salesforce.com. */
    loginUrl: urlSetting(),
    /** A Salesforce User id (15 or 18 characters). */
    userId: z.preprocess(
      unsetIfEmpty,
      z
        .string()
        .trim()
        .regex(/^005[a-zA-Z0-9]{12}(?:[a-zA-Z0-9]{3})?$/, 'must be a Salesforce User id (005…, 15 or 18 characters)')
        .optional(),
    ),
    /** Which records a candidate may be, searched in this order. */
    objects: z
      .array(z.enum(['Contact', 'Lead']))
      .min(1, 'name at least one of Contact, Lead')
      .max(2)
      .refine((list) => new Set(list).size === list.length, 'each object once')
      .optional(),
    noteObject: z.enum(SALESFORCE_NOTE_OBJECTS).optional(),
    /** Stop calling the org when its daily API usage reaches this share of its limit (percent). */
    apiUsageCeilingPercent: intSetting(10, 100),
    rateLimit: rateLimitSetting,
    timeoutMs: timeoutMsSetting,
  },
  refine: (settings, ctx) => {
    if (!settings.loginUrl) ctx.addIssue({ code: 'custom', path: ['loginUrl'], message: "required: the org's My Domain URL (https://<domain>.my.salesforce.com)" });
  },
});
