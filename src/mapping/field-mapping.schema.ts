import { z } from 'zod';

/**
 * The field-mapping document an operator tunes per connection: what goes into the note and how.
 * Objects are strict so a misspelt key is refused instead of silently ignored (an ignored
 * `privateMeetingPolicy` typo would be a privacy problem). The schema holds no transforms so that
 * `z.toJSONSchema` can describe it for the admin API; every check is a refinement.
 */

export const NOTE_SECTIONS = ['details', 'notes', 'actionItems', 'links'] as const;
export type NoteSection = (typeof NOTE_SECTIONS)[number];

/** Values a title template can use; anything else is refused when the mapping is saved, not at render time. */
export const TITLE_PLACEHOLDERS = [
  'meeting.name',
  'meeting.startTime',
  'meeting.ownerName',
  'meeting.id',
  'meeting.atsRecordName',
  'event.id',
] as const;
export type TitlePlaceholder = (typeof TITLE_PLACEHOLDERS)[number];

/** Matches `{{ name }}`; the inner text is only ever looked up in a fixed table, never evaluated. */
export const PLACEHOLDER_PATTERN = /\{\{\s*([^{}]*?)\s*\}\}/g;

const MAX_LABEL = 200;
const MAX_TEMPLATE = 500;

const label = z.string().trim().min(1).max(MAX_LABEL);

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone }).format(0);
    return true;
  } catch {
    return false;
  }
}

/** The problems of a title template, empty when it is usable. Shared with the renderer's own guard. */
export function titleTemplateProblems(template: string): string[] {
  const problems: string[] = [];
  const known = new Set<string>(TITLE_PLACEHOLDERS);
  for (const match of template.matchAll(PLACEHOLDER_PATTERN)) {
    const name = match[1] ?? '';
    if (!known.has(name)) {
      problems.push(`unknown placeholder {{${name}}}; known: ${TITLE_PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}`);
    }
  }
  // A stray brace pair is almost always a typo of a placeholder, so it is refused rather than printed.
  const rest = template.replace(PLACEHOLDER_PATTERN, '');
  if (rest.includes('{{') || rest.includes('}}')) problems.push('unbalanced "{{" or "}}" in the title template');
  return problems;
}

const databaseNoteRule = z.union(
  [
    label.describe('Section title to show this note under'),
    z.strictObject({ customField: label.describe('ATS custom field that receives the note text') }),
    z.strictObject({ omit: z.literal(true) }),
  ],
  { error: 'expected a section title (string), { "customField": string } or { "omit": true }' },
);
export type DatabaseNoteRule = z.infer<typeof databaseNoteRule>;

const databaseNotesSchema = z
  .strictObject({
    fields: z
      .record(z.string().trim().min(1).max(MAX_LABEL), databaseNoteRule)
      .default(() => ({}))
      .describe('Per databaseNotes name (matched case-insensitively): its section title, a custom field, or omit')
      .superRefine((fields, ctx) => {
        const seen = new Map<string, string>();
        for (const name of Object.keys(fields)) {
          const key = normaliseNoteName(name);
          const earlier = seen.get(key);
          if (earlier !== undefined) {
            ctx.addIssue({ code: 'custom', path: [name], message: `"${name}" and "${earlier}" name the same note` });
          } else {
            seen.set(key, name);
          }
        }
      }),
    unlisted: z
      .enum(['include', 'omit'])
      .default('include')
      .describe('What to do with notes whose name is not listed: include them under their own name, or leave them out'),
  })
  .describe('How databaseNotes entries appear');

const linkSchema = (defaultLabel: string) =>
  z
    .strictObject({
      include: z.boolean().default(true),
      label: label.default(defaultLabel),
    })
    .default(() => ({ include: true, label: defaultLabel }));

const linksSchema = z
  .strictObject({
    title: label.default('Links'),
    transcript: linkSchema('Transcript'),
    recording: linkSchema('Recording'),
    /** Shown after the material's name, e.g. "Meeting Recap (TXT)". */
    recapTxt: linkSchema('TXT'),
    recapPdf: linkSchema('PDF'),
  })
  .describe('Which asset links the note carries; recap labels follow the material name');

const actionItemsSchema = z
  .strictObject({
    title: label.default('Action items'),
    showAssignee: z.boolean().default(true),
    showDueDate: z.boolean().default(true),
  })
  .describe('How action items read from actionItemsUrl are listed (include "actionItems" in sections to show them)');

const authorSchema = z
  .discriminatedUnion('strategy', [
    z.strictObject({ strategy: z.literal('owner') }),
    z.strictObject({ strategy: z.literal('fixed'), userId: z.string().trim().min(1).max(MAX_LABEL) }),
  ])
  .describe('Author the note as the meeting owner, or always as one fixed ATS user');

export const fieldMappingSchema = z
  .strictObject({
    sections: z
      .array(z.enum(NOTE_SECTIONS))
      .min(1)
      .default(() => [...NOTE_SECTIONS])
      .describe('Sections of the note body, in order')
      .superRefine((sections, ctx) => {
        sections.forEach((section, index) => {
          if (sections.indexOf(section) !== index) {
            ctx.addIssue({ code: 'custom', path: [index], message: `section "${section}" is listed more than once` });
          }
        });
      }),
    databaseNotes: databaseNotesSchema.default(() => ({ fields: {}, unlisted: 'include' as const })),
    links: linksSchema.default(() => ({
      title: 'Links',
      transcript: { include: true, label: 'Transcript' },
      recording: { include: true, label: 'Recording' },
      recapTxt: { include: true, label: 'TXT' },
      recapPdf: { include: true, label: 'PDF' },
    })),
    actionItems: actionItemsSchema.default(() => ({ title: 'Action items', showAssignee: true, showDueDate: true })),
    titleTemplate: z
      .string()
      .max(MAX_TEMPLATE)
      .default('{{meeting.name}} — {{meeting.startTime}}')
      .describe(`Note title; placeholders: ${TITLE_PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}`)
      .superRefine((template, ctx) => {
        for (const message of titleTemplateProblems(template)) ctx.addIssue({ code: 'custom', message });
      }),
    timeZone: z
      .string()
      .min(1)
      .max(100)
      .default('UTC')
      .describe('IANA time zone for dates in the note, e.g. Europe/Berlin')
      .refine(isValidTimeZone, { message: 'not a known IANA time zone' }),
    visibility: z
      .strictObject({
        ordinary: z.enum(['public', 'private']).default('public'),
        /** Fixed: a private meeting never gets anything but the most restricted visibility. */
        private: z.literal('private').default('private'),
      })
      .default(() => ({ ordinary: 'public' as const, private: 'private' as const })),
    privateMeetingPolicy: z
      .enum(['restrict', 'skip', 'omit-links'])
      .default('restrict')
      .describe(
        'Private meetings always get the most restricted visibility where the ATS has one. Where it has none: ' +
          'restrict and skip do not post (recorded as skipped), omit-links posts without asset links',
      ),
    author: authorSchema.default(() => ({ strategy: 'owner' as const })),
  })
  .describe('Field mapping: what Debrief puts into the ATS note');

export type FieldMapping = z.output<typeof fieldMappingSchema>;
export type FieldMappingInput = z.input<typeof fieldMappingSchema>;
export type PrivateMeetingPolicy = FieldMapping['privateMeetingPolicy'];

export interface FieldMappingIssue {
  /** Dot-separated location in the document, '' for the document itself. */
  path: string;
  message: string;
}

export type ParseFieldMappingResult = { ok: true; mapping: FieldMapping } | { ok: false; issues: FieldMappingIssue[] };

export function parseFieldMapping(input: unknown): ParseFieldMappingResult {
  const result = fieldMappingSchema.safeParse(input);
  if (result.success) return { ok: true, mapping: result.data };
  const issues: FieldMappingIssue[] = [];
  for (const issue of result.error.issues) {
    const path = issue.path.map(String);
    // One entry per unknown key, pointing at the key itself, so an editor can highlight it.
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) issues.push({ path: [...path, key].join('.'), message: 'unknown key' });
      continue;
    }
    issues.push({ path: path.join('.'), message: issue.message });
  }
  return { ok: false, issues };
}

/** Notes are matched by name regardless of case and surrounding spaces: providers are not consistent. */
export function normaliseNoteName(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** The mapping used when an operator has not saved one: everything in, in the natural order. */
export const DEFAULT_FIELD_MAPPING: FieldMapping = deepFreeze(fieldMappingSchema.parse({}));

// Shared by every connection without a mapping, so an accidental edit must not leak into all of them.
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
