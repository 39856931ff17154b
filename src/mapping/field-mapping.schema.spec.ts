import { z } from 'zod';
import {
  DEFAULT_FIELD_MAPPING,
  type FieldMappingIssue,
  fieldMappingSchema,
  parseFieldMapping,
  titleTemplateProblems,
} from './field-mapping.schema';

function issuesOf(input: unknown): FieldMappingIssue[] {
  const result = parseFieldMapping(input);
  if (result.ok) throw new Error('expected the mapping to be refused');
  return result.issues;
}

function expectIssueAt(input: unknown, path: string, message?: RegExp): void {
  const issues = issuesOf(input);
  expect(issues).toContainEqual({ path, message: message ? expect.stringMatching(message) : expect.any(String) });
}

describe('parseFieldMapping: defaults', () => {
  it('fills every default from an empty document', () => {
    const result = parseFieldMapping({});
    expect(result).toEqual({ ok: true, mapping: DEFAULT_FIELD_MAPPING });
  });

  it('has the documented default mapping', () => {
    expect(DEFAULT_FIELD_MAPPING).toEqual({
      sections: ['details', 'notes', 'actionItems', 'links'],
      databaseNotes: { fields: {}, unlisted: 'include' },
      links: {
        title: 'Links',
        transcript: { include: true, label: 'Transcript' },
        recording: { include: true, label: 'Recording' },
        recapTxt: { include: true, label: 'TXT' },
        recapPdf: { include: true, label: 'PDF' },
      },
      actionItems: { title: 'Action items', showAssignee: true, showDueDate: true },
      titleTemplate: '{{meeting.name}} — {{meeting.startTime}}',
      timeZone: 'UTC',
      visibility: { ordinary: 'public', private: 'private' },
      privateMeetingPolicy: 'restrict',
      author: { strategy: 'owner' },
    });
  });

  it('fills nested defaults when a nested object is given partly', () => {
    const result = parseFieldMapping({ links: { recording: { include: false } }, actionItems: { showDueDate: false } });
    expect(result.ok && result.mapping.links.recording).toEqual({ include: false, label: 'Recording' });
    expect(result.ok && result.mapping.links.transcript).toEqual({ include: true, label: 'Transcript' });
    expect(result.ok && result.mapping.actionItems).toEqual({
      title: 'Action items',
      showAssignee: true,
      showDueDate: false,
    });
  });

  it('gives every parse its own objects, and the shared default cannot be edited', () => {
    const a = parseFieldMapping({});
    const b = parseFieldMapping({});
    expect(a.ok && b.ok && a.mapping.sections !== b.mapping.sections).toBe(true);
    expect(() => (DEFAULT_FIELD_MAPPING.sections as string[]).push('links')).toThrow();
  });

  it('accepts a full custom mapping', () => {
    const result = parseFieldMapping({
      sections: ['notes', 'details'],
      databaseNotes: {
        fields: { Summary: 'Meeting summary', Scorecard: { customField: 'scorecard' }, Internal: { omit: true } },
        unlisted: 'omit',
      },
      titleTemplate: 'Call with {{ meeting.atsRecordName }} ({{event.id}})',
      timeZone: 'Europe/Berlin',
      visibility: { ordinary: 'private', private: 'private' },
      privateMeetingPolicy: 'omit-links',
      author: { strategy: 'fixed', userId: '4711' },
    });
    expect(result.ok).toBe(true);
  });
});

describe('parseFieldMapping: refusals carry the path', () => {
  it('refuses a document that is not an object', () => {
    expect(issuesOf('nope')).toEqual([{ path: '', message: expect.stringMatching(/object/) }]);
    expect(issuesOf(null)[0]!.path).toBe('');
  });

  it('refuses an unknown top-level key', () => {
    expect(issuesOf({ privateMeetingPolcy: 'skip' })).toEqual([{ path: 'privateMeetingPolcy', message: 'unknown key' }]);
  });

  it('refuses unknown nested keys, one issue per key', () => {
    expect(issuesOf({ links: { transcript: { include: true, url: 'x' } }, actionItems: { showOwner: true } })).toEqual([
      { path: 'links.transcript.url', message: 'unknown key' },
      { path: 'actionItems.showOwner', message: 'unknown key' },
    ]);
  });

  it('refuses an unknown section', () => expectIssueAt({ sections: ['details', 'summary'] }, 'sections.1'));
  it('refuses an empty section list', () => expectIssueAt({ sections: [] }, 'sections'));
  it('refuses a duplicate section', () =>
    expectIssueAt({ sections: ['notes', 'links', 'notes'] }, 'sections.2', /more than once/));

  it('refuses a bad enum value', () => {
    expectIssueAt({ privateMeetingPolicy: 'publish' }, 'privateMeetingPolicy');
    expectIssueAt({ databaseNotes: { unlisted: 'hide' } }, 'databaseNotes.unlisted');
    expectIssueAt({ visibility: { ordinary: 'internal' } }, 'visibility.ordinary');
  });

  it('refuses anything but private for private meetings', () =>
    expectIssueAt({ visibility: { private: 'public' } }, 'visibility.private'));

  it('refuses a malformed note rule', () => {
    expectIssueAt({ databaseNotes: { fields: { Summary: 42 } } }, 'databaseNotes.fields.Summary', /section title/);
    expectIssueAt({ databaseNotes: { fields: { Summary: { omit: false } } } }, 'databaseNotes.fields.Summary');
    expectIssueAt(
      { databaseNotes: { fields: { Summary: { customField: '' } } } },
      'databaseNotes.fields.Summary.customField',
    );
    expectIssueAt({ databaseNotes: { fields: { Summary: '  ' } } }, 'databaseNotes.fields.Summary');
  });

  it('refuses two rules for the same note name written differently', () =>
    expectIssueAt(
      { databaseNotes: { fields: { Summary: 'A', 'SUMMARY ': 'B' } } },
      'databaseNotes.fields.SUMMARY',
      /same note/,
    ));

  it('refuses an unknown placeholder', () =>
    expectIssueAt({ titleTemplate: 'Call {{meeting.candidate}}' }, 'titleTemplate', /unknown placeholder \{\{meeting\.candidate\}\}/));

  it('refuses expression-like placeholders instead of evaluating them', () => {
    expectIssueAt({ titleTemplate: '{{constructor.constructor("x")()}}' }, 'titleTemplate', /unknown placeholder/);
    expectIssueAt({ titleTemplate: '{{__proto__}}' }, 'titleTemplate', /unknown placeholder/);
  });

  it('refuses an unbalanced placeholder', () =>
    expectIssueAt({ titleTemplate: 'Call {{meeting.name' }, 'titleTemplate', /unbalanced/));

  it('refuses a template that is not a string or too long', () => {
    expectIssueAt({ titleTemplate: 5 }, 'titleTemplate');
    expectIssueAt({ titleTemplate: 'x'.repeat(501) }, 'titleTemplate');
  });

  it('refuses an unknown time zone', () => {
    expectIssueAt({ timeZone: 'Mars/Olympus_Mons' }, 'timeZone', /time zone/);
    expectIssueAt({ timeZone: '' }, 'timeZone');
  });

  it('refuses a fixed author without userId', () => expectIssueAt({ author: { strategy: 'fixed' } }, 'author.userId'));
  it('refuses a fixed author with an empty userId', () =>
    expectIssueAt({ author: { strategy: 'fixed', userId: ' ' } }, 'author.userId'));
  it('refuses an unknown author strategy', () => expectIssueAt({ author: { strategy: 'random' } }, 'author.strategy'));
  it('refuses a userId on the owner strategy', () =>
    expectIssueAt({ author: { strategy: 'owner', userId: '1' } }, 'author.userId', /unknown key/));

  it('refuses wrong types in links and action items', () => {
    expectIssueAt({ links: { recording: { include: 'no' } } }, 'links.recording.include');
    expectIssueAt({ links: { recapPdf: { label: '' } } }, 'links.recapPdf.label');
    expectIssueAt({ actionItems: { showAssignee: 1 } }, 'actionItems.showAssignee');
  });

  it('reports every problem at once', () => {
    const paths = issuesOf({ sections: ['links', 'links'], timeZone: 'Nowhere', titleTemplate: '{{x}}' }).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['sections.1', 'timeZone', 'titleTemplate']));
  });
});

describe('titleTemplateProblems', () => {
  it('accepts every known placeholder, with or without inner spaces', () => {
    expect(
      titleTemplateProblems(
        '{{meeting.name}} {{ meeting.startTime }} {{meeting.ownerName}} {{meeting.id}} {{meeting.atsRecordName}} {{event.id}}',
      ),
    ).toEqual([]);
  });
});

describe('fieldMappingSchema as JSON Schema', () => {
  it('can be represented for the OpenAPI document', () => {
    const json = z.toJSONSchema(fieldMappingSchema, { io: 'input' }) as Record<string, unknown>;
    expect(json.type).toBe('object');
    expect(json.additionalProperties).toBe(false);
    expect(() => z.toJSONSchema(fieldMappingSchema, { io: 'output' })).not.toThrow();
  });
});
