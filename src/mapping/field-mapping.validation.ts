import type { AtsCapabilities } from '../ats/ats-adapter.port';
import { toJsonPath } from '../meeting/meeting-payload.schema';
import { type FieldMapping, fieldMappingSchema } from './field-mapping.schema';

/** A problem with a mapping document, located by JSON path (`$.databaseNotes.fields.Summary`). */
export interface MappingProblem {
  path: string;
  message: string;
}

export type MappingValidation =
  | { ok: true; mapping: FieldMapping; warnings: MappingProblem[] }
  | { ok: false; problems: MappingProblem[] };

type MappingCapabilities = Pick<AtsCapabilities, 'customFields' | 'privateNotes' | 'actAsUser'>;

/**
 * Validates a mapping document for one connection: the schema first, then what the connection's ATS can
 * do. A rule the ATS cannot carry out is refused rather than saved, because the pipeline would otherwise drop
 * that content from every note without anyone noticing. Settings that work but probably do not do what the
 * operator meant come back as warnings.
 */
export function validateMappingFor(input: unknown, capabilities: MappingCapabilities, prefix: PropertyKey[] = []): MappingValidation {
  const result = fieldMappingSchema.safeParse(input);
  if (!result.success) {
    const problems: MappingProblem[] = [];
    for (const issue of result.error.issues) {
      // One entry per unknown key, pointing at the key itself, so an editor can highlight it.
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) problems.push({ path: toJsonPath([...prefix, ...issue.path, key]), message: 'unknown key' });
        continue;
      }
      problems.push({ path: toJsonPath([...prefix, ...issue.path]), message: issue.message });
    }
    return { ok: false, problems };
  }
  const mapping = result.data;
  const problems = capabilityProblems(mapping, capabilities).map((p) => ({ ...p, path: toJsonPath([...prefix, ...p.path]) }));
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    mapping,
    warnings: capabilityWarnings(mapping, capabilities).map((p) => ({ ...p, path: toJsonPath([...prefix, ...p.path]) })),
  };
}

interface LocalProblem {
  path: PropertyKey[];
  message: string;
}

function capabilityProblems(mapping: FieldMapping, capabilities: MappingCapabilities): LocalProblem[] {
  const problems: LocalProblem[] = [];
  if (!capabilities.customFields) {
    for (const [name, rule] of Object.entries(mapping.databaseNotes.fields)) {
      if (typeof rule === 'object' && 'customField' in rule) {
        problems.push({
          path: ['databaseNotes', 'fields', name],
          message:
            `this connection's ATS does not support custom fields, so "${rule.customField}" cannot receive the note; ` +
            'use a section title or { "omit": true }',
        });
      }
    }
  }
  return problems;
}

function capabilityWarnings(mapping: FieldMapping, capabilities: MappingCapabilities): LocalProblem[] {
  const warnings: LocalProblem[] = [];
  if (mapping.visibility.ordinary === 'private' && !capabilities.privateNotes) {
    warnings.push({
      path: ['visibility', 'ordinary'],
      message: 'this ATS cannot restrict notes, so every note will be skipped while ordinary meetings must be private',
    });
  }
  if (mapping.author.strategy === 'fixed' && !capabilities.actAsUser) {
    warnings.push({
      path: ['author', 'userId'],
      message: 'this ATS does not let Debrief choose the author; notes are posted as the credential\'s own user',
    });
  }
  return warnings;
}
