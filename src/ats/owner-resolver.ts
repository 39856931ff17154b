import type { AtsContext, NoteDraft } from './ats-adapter.port';
import { AtsError, isAtsError } from './ats-error';

const OWNER_CACHE_MS = 10 * 60_000;

/** How an ATS user's name is compared with the meeting owner's: trimmed, single-spaced, lower-case. */
export function ownerNameKey(name: string | null | undefined): string | null {
  const n = name?.trim().replace(/\s+/g, ' ').toLowerCase();
  return n ? n : null;
}

/** "First Last" as `ownerNameKey` compares it, for ATSs that keep the two apart (a missing part is left out). */
export function fullNameKey(first: string | null | undefined, last: string | null | undefined): string | null {
  return ownerNameKey(`${first ?? ''} ${last ?? ''}`);
}

/** One page of an ATS's users, and where the next one starts (null after the last). */
export interface UserPage<T, C> {
  users: T[];
  next: C | null;
}

/**
 * The one user an ATS's listing holds under the owner's name (`name`, an `ownerNameKey`), among those who may
 * author notes. Never a guess: namesakes give null (the reading stops at the second one), and so does a listing
 * still going after `maxPages` pages, since a namesake could be on a page not read. That bound keeps one lookup
 * from reading a huge organisation's every user; the owner then falls back to the configured author.
 */
export async function soleUserNamed<T, C>(options: {
  name: string;
  nameOf: (user: T) => string | null;
  canAuthor: (user: T) => boolean;
  maxPages: number;
  readPage: (cursor: C | null) => Promise<UserPage<T, C>>;
}): Promise<T | null> {
  const { name, nameOf, canAuthor, maxPages, readPage } = options;
  const matches: T[] = [];
  let cursor: C | null = null;
  for (let page = 0; page < maxPages; page++) {
    const { users, next }: UserPage<T, C> = await readPage(cursor);
    matches.push(...users.filter((u) => canAuthor(u) && ownerNameKey(nameOf(u)) === name));
    if (matches.length > 1) return null;
    if (next === null) return matches[0] ?? null;
    cursor = next;
  }
  return null;
}

/**
 * Resolves the meeting owner to the ATS user who authors a note: the adapter's own lookup (by e-mail, then by
 * exact name), shared by concurrent callers and cached per connection for ten minutes — misses too, so an unknown owner costs one lookup, not
 * one per note — and falling back to `settings.userId`. Neither → CONFIGURATION, since no retry can fix it.
 */
export class OwnerResolver {
  private readonly cache = new Map<string, { found: OwnerLookup; until: number }>();
  private readonly inFlight = new Map<string, Promise<OwnerLookup>>();

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
    return (await this.resolveWithRemark(ctx, author, fallbackUserId, lookUp)).id;
  }

  /**
   * As `resolve`, and says why a note falls back to `settings.userId` when the ATS refused the lookup itself
   * (PERMISSION_DENIED: the key may not list users), so the sync can tell the operator rather than file the note
   * under the fallback author with no word said.
   */
  async resolveWithRemark(
    ctx: AtsContext,
    author: NoteDraft['author'],
    fallbackUserId: string | null | undefined,
    lookUp: (email: string | null, name: string | null) => Promise<string | null>,
  ): Promise<{ id: string; remark: string | null }> {
    const email = author.email?.trim().toLowerCase() || null;
    const name = ownerNameKey(author.name);
    const key = `${ctx.connectionId}|${email ?? ''}|${name ?? ''}`;
    const cached = this.cache.get(key);
    const found = cached && cached.until > Date.now() ? cached.found : await this.lookUpOnce(key, () => lookUp(email, name));
    if (found.id) return { id: found.id, remark: null };
    if (fallbackUserId) {
      const remark = found.refused
        ? `${this.provider}: the ATS refused to list its users (${found.refused}); the note was filed as settings.userId, not as the meeting owner`
        : null;
      return { id: fallbackUserId, remark };
    }
    if (found.refused) throw new AtsError('PERMISSION_DENIED', found.refused);
    throw new AtsError(
      'CONFIGURATION',
      `${this.provider}: the meeting owner is not ${this.describe} and settings.userId (fallback author) is not set`,
    );
  }

  /**
   * Concurrent notes by one owner (a worker starting on a backlog) share one lookup rather than each listing the
   * ATS's users; a failed lookup is not cached, so the next note tries again. A refusal (PERMISSION_DENIED) is
   * an answer, kept like a miss.
   */
  private lookUpOnce(key: string, lookUp: () => Promise<string | null>): Promise<OwnerLookup> {
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = lookUp()
        .then(
          (id): OwnerLookup => ({ id, refused: null }),
          (err: unknown): OwnerLookup => {
            if (isAtsError(err) && err.code === 'PERMISSION_DENIED') return { id: null, refused: err.message };
            throw err;
          },
        )
        .then((found) => {
          this.cache.set(key, { found, until: Date.now() + OWNER_CACHE_MS });
          return found;
        })
        .finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }
}

/** What one owner lookup found: the user, or nobody, or a refusal by the ATS (its message). */
interface OwnerLookup {
  id: string | null;
  refused: string | null;
}
