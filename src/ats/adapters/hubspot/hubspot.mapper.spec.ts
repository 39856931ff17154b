import { hasPhone, nameFilterGroups, NOTE_BODY_MAX, noteBody, phoneFilterGroups, toCandidate } from './hubspot.mapper';

const marker = 'debrief:evt_1:abc';

describe('HubSpot mapper', () => {
  it('keeps a long note within HubSpot’s limit, with its title and its marker', () => {
    const text = `Title\n\n${'a < b & c '.repeat(20_000)}\n\nDebrief ref: ${marker}`;
    const html = `<p>${'x'.repeat(80_000)}</p><p>Debrief ref: ${marker}</p>`;
    const body = noteBody({ title: 'Title', text, html, referenceMarker: marker });
    expect(body.length).toBeLessThanOrEqual(NOTE_BODY_MAX);
    expect(body).toContain(marker);
    expect(body.startsWith('<p><strong>Title</strong></p>')).toBe(true);
    expect(body).not.toMatch(/<(?!\/?(p|strong|br)\b)/);
  });

  it('leaves a note that fits as its HTML reduced to what HubSpot shows', () => {
    const body = noteBody({ title: 'T', text: '', html: `<p>T</p><h2>Head</h2><b>bold</b><p>${marker}</p>`, referenceMarker: marker });
    expect(body).toContain('<strong>bold</strong>');
    expect(body).not.toContain('<h2>');
  });

  it('asks for the national digits in the calculated properties and the E.164 form as typed', () => {
    expect(phoneFilterGroups('+442071838750').map((g) => g.filters[0])).toEqual([
      { propertyName: 'hs_searchable_calculated_phone_number', operator: 'EQ', value: '2071838750' },
      { propertyName: 'hs_searchable_calculated_mobile_number', operator: 'EQ', value: '2071838750' },
      { propertyName: 'phone', operator: 'EQ', value: '+442071838750' },
      { propertyName: 'mobilephone', operator: 'EQ', value: '+442071838750' },
    ]);
  });

  it('confirms a number in the connection’s region', () => {
    const c = toCandidate({ id: '1', properties: { phone: '020 7183 8750', mobilephone: null } });
    expect(hasPhone(c, '+442071838750', 'GB')).toBe(true);
    expect(hasPhone(c, '+442071838750', 'US')).toBe(false);
  });

  it('splits a name every way into first and last name', () => {
    expect(nameFilterGroups('Ana María López').map((g) => g.filters.map((f) => f.value))).toEqual([
      ['Ana', 'María López'],
      ['Ana María', 'López'],
    ]);
    expect(nameFilterGroups('Prince')).toEqual([]);
  });

  it('reads every e-mail and phone of a contact', () => {
    const c = toCandidate({
      id: '7',
      properties: { firstname: 'Jo', lastname: 'Ng', email: 'jo@x.com', hs_additional_emails: 'j@y.com;jo@x.com', phone: '1', mobilephone: '2', lastmodifieddate: '2026-01-01T00:00:00Z' },
    });
    expect(c).toMatchObject({ externalId: '7', displayName: 'Jo Ng', emails: ['jo@x.com', 'j@y.com'], phones: ['1', '2'] });
    expect(c.updatedAt?.toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });
});
