import { randomBytes } from 'node:crypto';
import { CredentialsCipher } from './credentials-cipher';

describe('CredentialsCipher', () => {
  const cipher = new CredentialsCipher(randomBytes(32));

  it('round-trips credentials and never stores them readably', () => {
    const stored = cipher.encrypt({ apiKey: 'sk_live_secret' }, 'conn-1');
    expect(stored).not.toContain('sk_live_secret');
    expect(Buffer.from(stored.split('.')[3], 'base64url').toString()).not.toContain('sk_live_secret');
    expect(cipher.decrypt(stored, 'conn-1')).toEqual({ apiKey: 'sk_live_secret' });
  });

  it('refuses a ciphertext moved to another connection', () => {
    const stored = cipher.encrypt({ apiKey: 'x' }, 'conn-1');
    expect(() => cipher.decrypt(stored, 'conn-2')).toThrow();
  });

  it('refuses a tampered ciphertext and another key', () => {
    const stored = cipher.encrypt({ apiKey: 'x' }, 'conn-1');
    const parts = stored.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => cipher.decrypt(parts.join('.'), 'conn-1')).toThrow();
    expect(() => new CredentialsCipher(randomBytes(32)).decrypt(stored, 'conn-1')).toThrow();
  });
});
