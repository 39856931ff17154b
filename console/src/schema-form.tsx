import { Checkbox, Fieldset, NativeSelect, Stack, Textarea, TextInput } from '@mantine/core';
import { useId } from 'react';

/** The subset of JSON Schema zod's toJSONSchema writes for connection contracts. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  format?: string;
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
}

type Kind = 'text' | 'number' | 'boolean' | 'enum' | 'json';

/** How a property is edited: scalars get their input, anything structured a JSON text area. */
export function kindOf(schema: JsonSchema): Kind {
  const variants = schema.anyOf?.filter((s) => s.type !== 'null') ?? [schema];
  if (variants.length !== 1) return 'json';
  const s = variants[0]!;
  if (s.enum) return 'enum';
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  if (type === 'string') return 'text';
  if (type === 'number' || type === 'integer') return 'number';
  if (type === 'boolean') return 'boolean';
  return 'json';
}

export type FormValues = Record<string, string | boolean>;

/**
 * Turns what was typed into the document the API validates: empty fields are left out (the contract's
 * defaults apply), numbers and JSON parsed. A JSON field that does not parse is reported at its path.
 */
export function valuesToDocument(schema: JsonSchema, values: FormValues): { document: Record<string, unknown>; problems: Record<string, string> } {
  const document: Record<string, unknown> = {};
  const problems: Record<string, string> = {};
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    const value = values[key];
    if (value === undefined || value === '') continue;
    const kind = kindOf(property);
    if (kind === 'boolean') document[key] = value === true;
    else if (kind === 'number') {
      const n = Number(value);
      if (Number.isFinite(n)) document[key] = n;
      else problems[key] = 'a number is expected';
    } else if (kind === 'json') {
      try {
        document[key] = JSON.parse(String(value));
      } catch {
        problems[key] = 'not valid JSON';
      }
    } else document[key] = value;
  }
  return { document, problems };
}

/** One input per property of the schema; `errors` maps a property to the API's message about it. */
export function SchemaFields({
  legend,
  schema,
  values,
  onChange,
  errors,
  secret = false,
}: {
  legend: string;
  schema: JsonSchema;
  values: FormValues;
  onChange: (values: FormValues) => void;
  errors: Record<string, string>;
  secret?: boolean;
}) {
  const base = useId();
  const required = new Set(schema.required ?? []);
  const properties = Object.entries(schema.properties ?? {});
  if (properties.length === 0) return null;
  return (
    <Fieldset legend={legend}>
      <Stack gap="sm">
        {properties.map(([key, property]) => {
          const id = `${base}-${key}`;
          const kind = kindOf(property);
          const error = errors[key];
          const label = `${key}${required.has(key) ? ' (required)' : ''}`;
          const variant = property.anyOf?.find((s) => s.type !== 'null') ?? property;
          const value = values[key];
          const set = (v: string | boolean) => onChange({ ...values, [key]: v });
          // Mantine ties the label, the description and the error to the control (aria-describedby, aria-invalid).
          const common = { id, name: key, label, description: property.description, error, required: required.has(key) && kind !== 'boolean' };
          if (kind === 'boolean') return <Checkbox key={key} {...common} checked={value === true} onChange={(e) => set(e.currentTarget.checked)} />;
          // The label says "(required)" in words; Mantine's asterisk would repeat it.
          const input = { ...common, withAsterisk: false };
          if (kind === 'enum') {
            return (
              <NativeSelect
                key={key}
                {...input}
                value={String(value ?? '')}
                onChange={(e) => set(e.currentTarget.value)}
                data={[{ value: '', label: required.has(key) ? 'choose…' : 'default' }, ...variant.enum!.map((v) => ({ value: String(v), label: String(v) }))]}
              />
            );
          }
          if (kind === 'json') {
            return <Textarea key={key} {...input} className="code" rows={4} placeholder="JSON" value={String(value ?? '')} onChange={(e) => set(e.currentTarget.value)} />;
          }
          return (
            <TextInput
              key={key}
              {...input}
              type={kind === 'number' ? 'number' : secret ? 'password' : variant.format === 'uri' ? 'url' : 'text'}
              autoComplete="off"
              placeholder={variant.default !== undefined ? `default ${String(variant.default)}` : undefined}
              value={String(value ?? '')}
              onChange={(e) => set(e.currentTarget.value)}
            />
          );
        })}
      </Stack>
    </Fieldset>
  );
}
