import type { AxiosResponse } from 'axios';
import { describeBody, httpStatusError } from './ats-http.client';

const response = (status: number, data: unknown) => ({ status, data, headers: {} }) as AxiosResponse;

describe('error answers', () => {
  it('describes a non-JSON body by its status only', () => {
    const err = httpStatusError('ashby', response(502, '<html>internal host banner: db=10.0.0.5 token=abc</html>'));
    expect(err.message).toBe('ashby: HTTP 502');
  });

  it("quotes the vendor's error fields, bounded, and nothing else", () => {
    expect(describeBody({ message: 'Not allowed', debug: 'stack trace' })).toBe(': Not allowed');
    expect(describeBody({ error: 'invalid_grant', error_description: 'bad code' })).toBe(': invalid_grant; bad code');
    expect(describeBody({ errors: ['a', { message: 'b', field: 'x' }, 42] })).toBe(': a; b');
    expect(describeBody({ errorMessage: 'x'.repeat(1000) }).length).toBeLessThanOrEqual(202);
    expect(describeBody({ unrelated: 'value' })).toBe('');
    expect(describeBody(null)).toBe('');
  });

  it('bounds an adapter-supplied message the same way', () => {
    expect(httpStatusError('lever', response(400, {}), 'y'.repeat(1000)).message.length).toBeLessThan(230);
  });
});
