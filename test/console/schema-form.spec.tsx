import { MantineProvider } from '@mantine/core';
import { renderToStaticMarkup } from 'react-dom/server';
import { SchemaFields, kindOf, valuesToDocument, type JsonSchema } from '../../console/src/schema-form';

/** A connection contract as zod's toJSONSchema writes it (the shape GET /admin/providers serves). */
const SETTINGS: JsonSchema = {
  type: 'object',
  properties: {
    baseUrl: { type: 'string', format: 'uri', description: 'The API root' },
    pageSize: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
    region: { enum: ['us', 'eu'] },
    private: { type: 'boolean' },
    rateLimit: { anyOf: [{ type: 'object', properties: { limit: { type: 'number' } } }, { type: 'null' }] },
    apiKey: { type: 'string' },
  },
  required: ['apiKey'],
};

/** React's complaints (an unknown prop reaching the DOM, a missing key) fail the test. */
let complaints: string[] = [];
beforeEach(() => {
  complaints = [];
  jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void complaints.push(String(args[0])));
});
afterEach(() => {
  (console.error as jest.Mock).mockRestore?.();
  expect(complaints).toEqual([]);
});

const render = (props: Partial<Parameters<typeof SchemaFields>[0]> = {}) =>
  renderToStaticMarkup(
    <MantineProvider>
      <SchemaFields legend="Settings" schema={SETTINGS} values={{}} onChange={() => undefined} errors={{}} {...props} />
    </MantineProvider>,
  );

/** The opening tag of the control whose name is `name`. */
function control(html: string, name: string): string {
  const tag = new RegExp(`<(input|textarea|select)[^>]*name="${name}"[^>]*>`).exec(html);
  if (!tag) throw new Error(`no control named ${name}`);
  return tag[0];
}

const attribute = (tag: string, name: string) => new RegExp(`${name}="([^"]*)"`).exec(tag)?.[1];

/** The text of the element with this id (the markup has no nested tags inside Mantine's messages). */
const textOf = (html: string, id: string) => new RegExp(`id="${id}"[^>]*>([^<]*)<`).exec(html)?.[1];

describe('the connection form generated from a provider\'s schema', () => {
  it('edits each property with the control its type calls for', () => {
    expect(Object.fromEntries(Object.entries(SETTINGS.properties!).map(([k, s]) => [k, kindOf(s)]))).toEqual({
      baseUrl: 'text',
      pageSize: 'number',
      region: 'enum',
      private: 'boolean',
      rateLimit: 'json',
      apiKey: 'text',
    });
    const html = render();
    expect(control(html, 'baseUrl')).toMatch(/type="url"/);
    expect(control(html, 'pageSize')).toMatch(/type="number"/);
    expect(control(html, 'pageSize')).toMatch(/placeholder="default 100"/);
    expect(control(html, 'region')).toMatch(/^<select/);
    expect(control(html, 'private')).toMatch(/type="checkbox"/);
    expect(control(html, 'rateLimit')).toMatch(/^<textarea/);
  });

  it('names every control by its label, marks the required ones and ties the description to the field', () => {
    const html = render();
    for (const name of Object.keys(SETTINGS.properties!)) {
      const id = attribute(control(html, name), 'id');
      expect(id).toBeDefined();
      const label = new RegExp(`<label[^>]*for="${id}"[^>]*>([^<]*)`).exec(html)?.[1];
      expect(label).toBe(name === 'apiKey' ? 'apiKey (required)' : name);
    }
    expect(control(html, 'apiKey')).toMatch(/required=""/);
    expect(control(html, 'pageSize')).not.toMatch(/required=""/);
    const baseUrl = control(html, 'baseUrl');
    const described = attribute(baseUrl, 'aria-describedby')!.split(' ');
    expect(described.map((id) => textOf(html, id))).toContain('The API root');
  });

  it('shows the API\'s message at the field it is about, and marks only that field invalid', () => {
    const html = render({ errors: { rateLimit: 'Invalid input: expected number, received string' } });
    const rateLimit = control(html, 'rateLimit');
    expect(attribute(rateLimit, 'aria-invalid')).toBe('true');
    const described = attribute(rateLimit, 'aria-describedby')!.split(' ');
    expect(described.map((id) => textOf(html, id))).toContain('Invalid input: expected number, received string');
    for (const other of ['baseUrl', 'pageSize', 'region', 'apiKey']) expect(attribute(control(html, other), 'aria-invalid')).toBeUndefined();
  });

  it('hides what is typed into credentials', () => {
    const html = render({ secret: true, schema: { type: 'object', properties: { clientSecret: { type: 'string' } }, required: ['clientSecret'] } });
    expect(control(html, 'clientSecret')).toMatch(/type="password"/);
    expect(control(html, 'clientSecret')).toMatch(/autoComplete="off"|autocomplete="off"/);
  });

  it('turns what was typed into the document the API validates, and names a field it cannot read', () => {
    expect(valuesToDocument(SETTINGS, { baseUrl: 'https://ats.example', pageSize: '50', region: 'eu', private: true, rateLimit: '{"limit": 5}', apiKey: '' })).toEqual({
      document: { baseUrl: 'https://ats.example', pageSize: 50, region: 'eu', private: true, rateLimit: { limit: 5 } },
      problems: {},
    });
    expect(valuesToDocument(SETTINGS, { pageSize: 'many', rateLimit: '{limit: 5}', private: false })).toEqual({
      document: { private: false },
      problems: { pageSize: 'a number is expected', rateLimit: 'not valid JSON' },
    });
  });
});
