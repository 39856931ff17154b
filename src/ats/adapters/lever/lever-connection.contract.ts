import { defineConnectionContract } from '../../kit/connection-contract';
import { rateLimitSetting, secretString, timeoutMsSetting, urlSetting, userIdSetting } from '../../kit/connection-settings';

/** Lever's API hosts are `api.lever.co`, `api.eu.lever.co` and `api.sandbox.lever.co` (Lever's API docs). */
export const LEVER_CONTRACT = defineConnectionContract({
  provider: 'lever',
  vendorDomains: ['lever.co'],
  credentials: { apiKey: secretString },
  settings: {
    baseUrl: urlSetting(),
    userId: userIdSetting,
    rateLimit: rateLimitSetting,
    timeoutMs: timeoutMsSetting,
  },
});
