import { z } from 'zod';
import { defineConnectionContract } from '../../kit/connection-contract';
import {
  booleanSetting,
  intSetting,
  numericUserIdSetting,
  rateLimitSetting,
  secretString,
  textSetting,
  timeoutMsSetting,
  urlSetting,
} from '../../kit/connection-settings';

/**
 * Bullhorn's OAuth and REST hosts are all on bullhornstaffing.com (`auth-west`, `rest-emea`, `rest91`, …; the
 * REST guide and `/rest-services/loginInfo` name them). `restUrl`, which the REST login answers, is held to
 * the same rule by the HTTP client.
 */
export const BULLHORN_CONTRACT = defineConnectionContract({
  provider: 'bullhorn',
  vendorDomains: ['bullhornstaffing.com'],
  credentials: {
    clientId: secretString,
    clientSecret: secretString,
    username: secretString,
    password: secretString,
  },
  settings: {
    authUrl: urlSetting(),
    restLoginUrl: urlSetting(),
    loginInfoUrl: urlSetting(),
    baseUrl: urlSetting(),
    userId: numericUserIdSetting,
    noteAction: textSetting(100),
    validateNoteAction: booleanSetting,
    redirectUri: z.preprocess((v) => (v === '' || v === null ? undefined : v), z.url().max(2048).optional()),
    incrementalOverlapMinutes: intSetting(0, 7 * 24 * 60),
    rateLimit: rateLimitSetting,
    timeoutMs: timeoutMsSetting,
  },
});
