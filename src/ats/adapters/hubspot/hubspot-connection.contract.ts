import { defineConnectionContract } from '../../kit/connection-contract';
import { rateLimitSetting, secretString, timeoutMsSetting, urlSetting, userIdSetting } from '../../kit/connection-settings';

/** HubSpot's API host is `api.hubapi.com` (EU accounts too); its docs name no other API domain. */
export const HUBSPOT_CONTRACT = defineConnectionContract({
  provider: 'hubspot',
  vendorDomains: ['hubapi.com'],
  credentials: { accessToken: secretString },
  settings: {
    baseUrl: urlSetting(),
    userId: userIdSetting,
    rateLimit: rateLimitSetting,
    timeoutMs: timeoutMsSetting,
  },
});
