import { defineConnectionContract } from '../../kit/connection-contract';
import { numericUserIdSetting, rateLimitSetting, secretString, timeoutMsSetting, urlSetting } from '../../kit/connection-settings';

/**
 * Harvest and its token endpoint live on greenhouse.io (`harvest.greenhouse.io`, `auth.greenhouse.io`; EU
 * tenants use regional subdomains of it), per Greenhouse's Harvest API reference.
 */
export const GREENHOUSE_CONTRACT = defineConnectionContract({
  provider: 'greenhouse',
  vendorDomains: ['greenhouse.io'],
  credentials: { clientId: secretString, clientSecret: secretString },
  settings: {
    baseUrl: urlSetting(),
    authUrl: urlSetting(),
    userId: numericUserIdSetting,
    rateLimit: rateLimitSetting,
    timeoutMs: timeoutMsSetting,
  },
});
