import { redactSecrets } from './audit.service';

describe('redactSecrets', () => {
  it('replaces values under secret-looking keys at any depth, keeping flags and the rest', () => {
    expect(
      redactSecrets({
        name: 'Acme',
        credentials: { apiKey: 'k' },
        credentialsChanged: true,
        nested: [{ clientSecret: 's', password: 'p', token: 't', Authorization: 'Bearer x', keep: 'v' }],
        changes: { name: { from: 'a', to: 'b' } },
      }),
    ).toEqual({
      name: 'Acme',
      credentials: '[redacted]',
      credentialsChanged: true,
      nested: [{ clientSecret: '[redacted]', password: '[redacted]', token: '[redacted]', Authorization: '[redacted]', keep: 'v' }],
      changes: { name: { from: 'a', to: 'b' } },
    });
  });
});
