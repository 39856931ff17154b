import { validateMappingFor } from './field-mapping.validation';

const capable = { customFields: true, privateNotes: true, actAsUser: true };
const plain = { customFields: false, privateNotes: false, actAsUser: false };

describe('validateMappingFor', () => {
  it('accepts an empty document as the defaults, with no warnings', () => {
    const result = validateMappingFor({}, plain);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.warnings).toEqual([]);
  });

  it('locates schema problems by JSON path, one entry per unknown key', () => {
    const result = validateMappingFor({ sections: ['notes', 'nope'], extra: 1, other: 2, links: { colour: 'red' } }, capable);
    expect(result).toEqual({
      ok: false,
      problems: expect.arrayContaining([
        { path: '$.sections[1]', message: expect.any(String) },
        { path: '$.extra', message: 'unknown key' },
        { path: '$.other', message: 'unknown key' },
        { path: '$.links.colour', message: 'unknown key' },
      ]),
    });
  });

  it('refuses a custom-field route the ATS cannot carry, naming the note', () => {
    const document = {
      databaseNotes: { fields: { Summary: { customField: 'notes_field' }, 'Next steps': { customField: 'steps' }, Other: 'Other' } },
    };
    expect(validateMappingFor(document, plain)).toEqual({
      ok: false,
      problems: [
        { path: '$.databaseNotes.fields.Summary', message: expect.stringContaining('does not support custom fields') },
        { path: '$.databaseNotes.fields["Next steps"]', message: expect.stringContaining('"steps"') },
      ],
    });
    expect(validateMappingFor(document, capable).ok).toBe(true);
  });

  it('prefixes paths when the mapping sits inside another document', () => {
    const result = validateMappingFor({ timeZone: 'Nowhere/Else' }, capable, ['mapping']);
    expect(result).toEqual({ ok: false, problems: [{ path: '$.mapping.timeZone', message: 'not a known IANA time zone' }] });
  });

  it('warns, without refusing, about settings this ATS cannot honour', () => {
    const result = validateMappingFor({ visibility: { ordinary: 'private' }, author: { strategy: 'fixed', userId: '12' } }, plain);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.warnings.map((w) => w.path)).toEqual(['$.visibility.ordinary', '$.author.userId']);
    const fine = validateMappingFor({ visibility: { ordinary: 'private' }, author: { strategy: 'fixed', userId: '12' } }, capable);
    expect(fine.ok && fine.warnings).toEqual([]);
  });
});
