import { defineConnectionContract } from '../../kit/connection-contract';
import { rateLimitSetting, secretString, timeoutMsSetting, urlSetting, userIdSetting } from '../../kit/connection-settings';

/** Ashby's API is `https://api.ashbyhq.com` (developers.ashbyhq.com, Authentication). */
export const ASHBY_CONTRACT = defineConnectionContract({
  provider: 'ashby',
  vendorDomains: ['ashbyhq.com'],
  credentials: { apiKey: secretString },
  settings: {
    baseUrl: urlSetting(),
    userId: userIdSetting,
    rateLimit: rateLimitSetting,
    timeoutMs: timeoutMsSetting,
  },
});
