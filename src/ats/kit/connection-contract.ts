import { z } from 'zod';
import { AtsError } from '../ats-error';
import type { AtsUrlPolicy } from './ats-url.policy';
import { isDestinationSetting, isUrlSetting } from './connection-settings';

/**
 * What a connection of one provider must hold: its credentials, its settings (by zod schema) and the vendor
 * domains its credentials may travel to. Declared once per adapter; the admin API validates against it and the
 * adapter reads its configuration through it, so what is accepted is exactly what works.
 */
export interface ConnectionContract<C = Record<string, unknown>, S = Record<string, unknown>> {
  provider: string;
  /** Hosts on these domains (or their subdomains) may receive the credentials over https. */
  vendorDomains: readonly string[];
  credentials: z.ZodType<C>;
  settings: z.ZodType<S>;
  /** Settings keys holding a URL the credentials are sent to. */
  urlSettings: readonly string[];
  /** Settings keys that choose where the credentials go (URL settings and the like). */
  destinationSettings: readonly string[];
}

export interface ContractDefinition<CS extends z.ZodRawShape, SS extends z.ZodRawShape> {
  provider: string;
  vendorDomains: readonly string[];
  credentials: CS;
  /** Keep credential keys the contract does not declare (the sandbox, which uses none, stores whatever it is given). */
  openCredentials?: boolean;
  settings: SS;
  /** Rules across settings (e.g. one of two settings is required). */
  refine?: (settings: z.output<z.ZodObject<SS>>, ctx: z.RefinementCtx) => void;
}

/**
 * Credentials are strict (an unknown key is a typo that would otherwise pass unnoticed). Settings keep keys
 * they do not declare: matching settings (`defaultRegion`, `internalNumbers`, …) live beside them and are read
 * by the matcher.
 */
export function defineConnectionContract<CS extends z.ZodRawShape, SS extends z.ZodRawShape>(
  definition: ContractDefinition<CS, SS>,
): ConnectionContract<z.output<z.ZodObject<CS>>, z.output<z.ZodObject<SS>> & Record<string, unknown>> {
  const keysWhere = (test: (schema: z.ZodType) => boolean) =>
    Object.entries(definition.settings)
      .filter(([, schema]) => test(schema as z.ZodType))
      .map(([key]) => key);
  return {
    provider: definition.provider,
    vendorDomains: definition.vendorDomains,
    credentials: (definition.openCredentials ? z.looseObject(definition.credentials) : z.strictObject(definition.credentials)) as never,
    settings: (definition.refine
      ? z.looseObject(definition.settings).superRefine((value, ctx) => definition.refine!(value as never, ctx))
      : z.looseObject(definition.settings)) as never,
    urlSettings: keysWhere(isUrlSetting),
    destinationSettings: keysWhere(isDestinationSetting),
  };
}

export interface ConfigIssue {
  /** From the connection's root, e.g. `['settings', 'rateLimit', 'limit']`. */
  path: Array<string | number>;
  message: string;
}

export type ConfigCheck<C, S> = { ok: true; credentials: C; settings: S } | { ok: false; issues: ConfigIssue[] };

/**
 * Parses credentials and settings with the contract, then (given a policy) judges every URL setting with it.
 * Messages name the path and the rule, never a credential's value.
 */
export function checkConnectionConfig<C, S>(
  contract: ConnectionContract<C, S>,
  policy: AtsUrlPolicy | null,
  input: { credentials: unknown; settings: unknown },
): ConfigCheck<C, S> {
  const issues: ConfigIssue[] = [];
  const credentials = contract.credentials.safeParse(input.credentials ?? {});
  if (!credentials.success) issues.push(...toIssues('credentials', credentials.error));
  issues.push(...checkSettings(contract, policy, input.settings));
  if (issues.length > 0 || !credentials.success) return { ok: false, issues };
  return { ok: true, credentials: credentials.data, settings: contract.settings.parse(input.settings ?? {}) };
}

/** The settings alone (a connection may be saved before its credentials are). */
export function checkSettings<C, S>(
  contract: ConnectionContract<C, S>,
  policy: AtsUrlPolicy | null,
  value: unknown,
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const settings = contract.settings.safeParse(value ?? {});
  if (!settings.success) issues.push(...toIssues('settings', settings.error));
  else if (policy) {
    for (const key of contract.urlSettings) {
      const url = (settings.data as Record<string, unknown>)[key];
      if (typeof url !== 'string') continue;
      const verdict = policy.check(url, contract.vendorDomains);
      if (!verdict.ok) issues.push({ path: ['settings', key], message: verdict.reason });
    }
  }
  return issues;
}

/** `['settings', 'rateLimit', 'limit']` → `$.settings.rateLimit.limit`, as the admin API's 400 details write paths. */
export function jsonPath(path: ReadonlyArray<string | number>): string {
  return path.reduce<string>(
    (acc, key) =>
      typeof key === 'number' ? `${acc}[${key}]` : /^[A-Za-z_$][\w$]*$/.test(key) ? `${acc}.${key}` : `${acc}[${JSON.stringify(key)}]`,
    '$',
  );
}

/**
 * The one way an adapter reads its configuration: a stored connection that no longer satisfies the contract
 * (saved before a rule existed) is a CONFIGURATION error. Where the URLs point is judged again by the HTTP
 * client on every request (AtsDestinationGuard), so a host since removed from ATS_ALLOWED_HOSTS, or one an
 * ATS names in an answer, is covered too.
 */
export function readConnectionConfig<C, S>(
  contract: ConnectionContract<C, S>,
  ctx: { credentials: unknown; settings: unknown },
): { credentials: C; settings: S } {
  const result = checkConnectionConfig(contract, null, ctx);
  if (result.ok) return { credentials: result.credentials, settings: result.settings };
  const problems = result.issues.map((i) => `${dotted(i.path)}: ${i.message}`).join('; ');
  throw new AtsError('CONFIGURATION', `${contract.provider}: invalid connection configuration: ${problems}`);
}

function toIssues(root: string, error: z.ZodError): ConfigIssue[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [root, ...issue.path.map(pathPart), key], message: 'unknown field' }));
    }
    return [{ path: [root, ...issue.path.map(pathPart)], message: issue.message }];
  });
}

const pathPart = (part: PropertyKey): string | number => (typeof part === 'number' ? part : String(part));

function dotted(path: Array<string | number>): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}
