import { createHmac, randomBytes } from 'node:crypto';
import { providerSample } from '../../src/meeting/sample-meeting';

export const TEST_SECRET = `whsec_${randomBytes(24).toString('base64')}`;

/** Standard Webhooks headers for `body`, signed with `secret` at `timestamp` (seconds). */
export function standardHeaders(
  body: string,
  secret: string = TEST_SECRET,
  options: { id?: string; timestamp?: number; family?: 'webhook' | 'svix' } = {},
): Record<string, string> {
  const id = options.id ?? `msg_${randomBytes(8).toString('hex')}`;
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const family = options.family ?? 'webhook';
  const key = secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret);
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return {
    'content-type': 'application/json',
    [`${family}-id`]: id,
    [`${family}-timestamp`]: String(timestamp),
    [`${family}-signature`]: `v1,${signature}`,
  };
}

/** The provider's sample payload, with optional changes. */
export function samplePayload(overrides: (p: Record<string, any>) => void = () => {}): Record<string, any> {
  const payload: Record<string, any> = structuredClone(providerSample());
  overrides(payload);
  return payload;
}
