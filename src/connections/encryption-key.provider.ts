import { Logger, Provider } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { CredentialsCipher } from './credentials-cipher';

/**
 * ENCRYPTION_KEY in production (required there). In development without one, a random key is kept in
 * DATA_DIR so that stored credentials stay readable across restarts, with a warning.
 */
export const credentialsCipherProvider: Provider = {
  provide: CredentialsCipher,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) => {
    if (config.ENCRYPTION_KEY) return new CredentialsCipher(config.ENCRYPTION_KEY);
    const dir = resolve(config.DATA_DIR);
    const file = join(dir, 'dev-encryption.key');
    if (!existsSync(file)) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
    }
    new Logger('Connections').warn(
      'ENCRYPTION_KEY is not set: credentials are encrypted with a development key kept in DATA_DIR. Set ENCRYPTION_KEY in production.',
    );
    return new CredentialsCipher(Buffer.from(readFileSync(file, 'utf8').trim(), 'hex'));
  },
};
