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

  it('cuts a value nested 5,000 deep instead of overflowing the stack', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 5000; i++) deep = { nested: deep };
    let redacted = redactSecrets({ settings: deep });
    let levels = 0;
    while (typeof redacted === 'object') {
      redacted = Object.values(redacted)[0];
      levels++;
    }
    expect(redacted).toBe('[nested too deep]');
    expect(levels).toBeLessThan(1100);
  });
});
