/** Names of query parameters whose name or value was not percent-encoded UTF-8 (read by HostileInputPipe). */
export const UNDECODABLE_QUERY = Symbol('undecodable query parameters');

function decode(part: string): string | null {
  try {
    return decodeURIComponent(part.includes('+') ? part.replace(/\+/g, ' ') : part);
  } catch {
    return null;
  }
}

/**
 * Fastify's query parser keeps a part it cannot decode (`%ED%A0%80`, an encoded lone surrogate, or `%FF`) as
 * the raw text, so a route would quietly look for `%ED%A0%80`. This one leaves such parts out and names them,
 * so the request is refused instead. Like Fastify's, the result has no prototype (`__proto__` is a plain key).
 */
export function parseQueryStrictly(query: string): Record<string, string | string[]> {
  const result = Object.create(null) as Record<string, string | string[]>;
  const undecodable: string[] = [];
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = decode(eq === -1 ? part : part.slice(0, eq));
    const value = decode(eq === -1 ? '' : part.slice(eq + 1));
    if (key === null || value === null) {
      undecodable.push(key ?? '(name)');
      continue;
    }
    const known = result[key];
    result[key] = known === undefined ? value : Array.isArray(known) ? [...known, value] : [known, value];
  }
  if (undecodable.length > 0) Object.defineProperty(result, UNDECODABLE_QUERY, { value: undecodable, enumerable: false });
  return result;
}
