import { Injectable } from '@nestjs/common';
import { AppConfig, InjectConfig } from '../../config/app-config';
import { BodyHmacVerifier } from './body-hmac.verifier';
import { Headers, SignatureVerifier, VerificationResult } from './signature-verifier';
import { StandardWebhooksVerifier } from './standard-webhooks.verifier';

/** Tries every scheme whose headers the request carries; any one passing is enough. */
@Injectable()
export class WebhookSignatureService {
  private readonly verifiers: SignatureVerifier[];
  private readonly missingReason: string;
  readonly enabled: boolean;

  constructor(@InjectConfig() config: AppConfig) {
    this.enabled = config.WEBHOOK_SECRETS.length > 0;
    this.verifiers = [new StandardWebhooksVerifier(config.WEBHOOK_SECRETS, config.WEBHOOK_TOLERANCE_SECONDS)];
    const expected = ['webhook-id, webhook-timestamp and webhook-signature headers'];
    if (config.WEBHOOK_SIGNATURE_HEADER) {
      this.verifiers.push(new BodyHmacVerifier(config.WEBHOOK_SECRETS, config.WEBHOOK_SIGNATURE_HEADER));
      expected.push(`a ${config.WEBHOOK_SIGNATURE_HEADER} header`);
    }
    this.missingReason = `missing signature: expected ${expected.join(' or ')}`;
  }

  verify(rawBody: Buffer, headers: Headers, now = new Date()): VerificationResult {
    if (!this.enabled) return { ok: true, scheme: 'none' };
    const applicable = this.verifiers.filter((v) => v.applies(headers));
    if (applicable.length === 0) return { ok: false, reason: this.missingReason };
    const reasons: string[] = [];
    for (const verifier of applicable) {
      const result = verifier.verify(rawBody, headers, now);
      if (result.ok) return result;
      reasons.push(`${verifier.scheme}: ${result.reason}`);
    }
    return { ok: false, reason: reasons.join('; ') };
  }
}
