import { redactUrl } from './redact-url';

describe('redactUrl', () => {
  it.each([
    ['/webhooks/meetings?token=abc', '/webhooks/meetings?token=[redacted]'],
    ['/x?access_token=abc&limit=5', '/x?access_token=[redacted]&limit=5'],
    ['/x?key=k1&api_key=k2&apiKey=k3', '/x?key=[redacted]&api_key=[redacted]&apiKey=[redacted]'],
    ['/x?signature=s&Secret=t&password=p', '/x?signature=[redacted]&Secret=[redacted]&password=[redacted]'],
    ['/x?%74oken=abc', '/x?%74oken=[redacted]'],
    ['/x?token=a&token=b', '/x?token=[redacted]&token=[redacted]'],
  ])('redacts %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it('leaves paths and ordinary parameters as sent', () => {
    expect(redactUrl('/admin/syncs?status=failed&limit=5&cursor=abc')).toBe('/admin/syncs?status=failed&limit=5&cursor=abc');
    expect(redactUrl('/admin/token/abc')).toBe('/admin/token/abc');
    expect(redactUrl('/x?token')).toBe('/x?token');
  });
});
