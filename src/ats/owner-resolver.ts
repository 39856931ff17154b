import type { AtsContext, NoteDraft } from './ats-adapter.port';
import { AtsError } from './ats-error';

const OWNER_CACHE_MS = 10 * 60_000;

/** How an ATS user's name is compared with the meeting owner's: trimmed, single-spaced, lower-case. */
export function ownerNameKey(name: string | null | undefined): string | null {
  const n = name?.trim().replace(/\s+/g, ' ').toLowerCase();
  return n ? n : null;
}

/**
 * Resolves the meeting owner to the ATS user who authors a note: the adapter's own lookup (by e-mail, then by
 * exact name), cached per connection for ten minutes — misses too, so an unknown owner costs one lookup, not
 * one per note — and falling back to `settings.userId`. Neither → CONFIGURATION, since no retry can fix it.
 */
export class OwnerResolver {
  private readonly cache = new Map<string, { id: string | null; until: number }>();

  /** `describe` names the ATS's users in the error, e.g. "a Greenhouse user". */
  constructor(
    private readonly provider: string,
    private readonly describe: string,
  ) {}

  async resolve(
    ctx: AtsContext,
    author: NoteDraft['author'],
    fallbackUserId: string | null | undefined,
    lookUp: (email: string | null, name: string | null) => Promise<string | null>,
  ): Promise<string> {
    const email = author.email?.trim().toLowerCase() || null;
    const name = ownerNameKey(author.name);
    const key = `${ctx.connectionId}|${email ?? ''}|${name ?? ''}`;
    const cached = this.cache.get(key);
    let found: string | null;
    if (cached && cached.until > Date.now()) {
      found = cached.id;
    } else {
      found = await lookUp(email, name);
      this.cache.set(key, { id: found, until: Date.now() + OWNER_CACHE_MS });
    }
    if (found) return found;
    if (fallbackUserId) return fallbackUserId;
    throw new AtsError(
      'CONFIGURATION',
      `${this.provider}: the meeting owner is not ${this.describe} and settings.userId (fallback author) is not set`,
    );
  }
}
