import { readFileSync } from 'node:fs';
import { validatePayload } from './meeting-payload.schema';
import { PROVIDER_SAMPLE_FILE } from './sample-meeting';
import { rememberValidated, validateStored } from './validated-payloads';

const sampleText = readFileSync(PROVIDER_SAMPLE_FILE, 'utf8');

function validated(text: string) {
  const v = validatePayload(JSON.parse(text));
  if (!v.ok) throw new Error('the sample no longer validates');
  return v.payload;
}

describe('validated payloads', () => {
  it('reads back the payload intake validated for exactly that text, without validating again', () => {
    const payload = validated(sampleText);
    rememberValidated('evt_kept', sampleText, payload);
    const read = validateStored('evt_kept', sampleText);
    expect(read.ok && read.payload).toBe(payload);
  });

  it('validates a text that is not the one remembered', () => {
    const payload = validated(sampleText);
    rememberValidated('evt_changed', sampleText, payload);
    const other = JSON.stringify({ ...JSON.parse(sampleText), id: 'evt_changed' });
    const read = validateStored('evt_changed', other);
    expect(read.ok).toBe(true);
    expect(read.ok && read.payload).not.toBe(payload);
    expect(read.ok && read.payload.id).toBe('evt_changed');
  });

  it('names the problem of a stored text that does not validate', () => {
    expect(validateStored('evt_not_json', '{"id": ')).toEqual({ ok: false, issues: [{ path: '$', message: expect.stringMatching(/not valid JSON/) }] });
    const broken = validateStored('evt_no_data', JSON.stringify({ ...JSON.parse(sampleText), data: 7 }));
    expect(broken.ok).toBe(false);
  });

  it('does not keep very large bodies', () => {
    const big = JSON.stringify({ ...JSON.parse(sampleText), padding: 'x'.repeat(70 * 1024) });
    const payload = validated(big);
    rememberValidated('evt_big', big, payload);
    const read = validateStored('evt_big', big);
    expect(read.ok && read.payload).not.toBe(payload);
  });
});
