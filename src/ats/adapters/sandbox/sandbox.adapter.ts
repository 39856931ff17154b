import { rowsOf } from '../../../common/query-rows';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  AtsAdapter,
  AtsCandidate,
  AtsCapabilities,
  AtsContext,
  CandidatePage,
  CandidateQuery,
  ConnectionCheck,
  CreatedNote,
  FiledNote,
  ListCandidatesRequest,
  NoteDraft,
  PostedNote,
} from '../../ats-adapter.port';
import { AtsError } from '../../ats-error';
import { configOrCheck } from '../../kit/connection-checks';
import { readConnectionConfig } from '../../kit/connection-contract';
import { SANDBOX_CONTRACT } from './sandbox-connection.contract';
import { PreparedStatement } from '../../../common/prepared-statement';

interface SandboxCandidate {
  id: string;
  firstName?: string;
  lastName?: string;
  phones?: string[];
  emails?: string[];
}

interface NoteRow {
  id: string;
  visibility: string;
  author: string | null;
}

/** One statement per note; a marker already stored inserts nothing. */
const INSERT_NOTE = new PreparedStatement<NoteRow>(
  'sandbox_insert_note',
  `INSERT INTO sandbox_notes (connection_id, candidate_id, title, body_text, body_html, visibility, author, reference_marker)
   VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (connection_id, reference_marker) DO NOTHING
   RETURNING id, visibility, author`,
);

const digits = (s: string) => s.replace(/\D/g, '');
const toCreatedNote = (row: NoteRow): CreatedNote => ({ externalNoteId: row.id, visibility: row.visibility, authorId: row.author });

/**
 * An ATS that lives in Debrief's own database, for trying Debrief out and for end-to-end tests.
 * Candidates come from `settings.candidates: [{ id, firstName, lastName, phones, emails }]`; notes are
 * stored in `sandbox_notes`, unique per reference marker, so a repeated post cannot make a second note.
 */
@Injectable()
export class SandboxAdapter implements AtsAdapter {
  readonly provider = 'sandbox';
  readonly capabilities: AtsCapabilities = {
    search: ['name', 'email', 'phone'],
    listing: true,
    incrementalListing: false,
    privateNotes: true,
    richText: true,
    actAsUser: false,
    customFields: false,
    rateLimit: { limit: 1000, intervalMs: 1000 },
    noteDeletion: 'delete',
  };
  readonly contract = SANDBOX_CONTRACT;

  private readonly candidatesBySettings = new WeakMap<object, AtsCandidate[]>();

  constructor(private readonly dataSource: DataSource) {}

  async searchCandidates(ctx: AtsContext, query: CandidateQuery): Promise<AtsCandidate[]> {
    const name = query.name?.trim().toLowerCase();
    const email = query.email?.trim().toLowerCase();
    const phone = query.phone ? digits(query.phone) : undefined;
    return this.candidates(ctx)
      .filter(
        (c) =>
          (name !== undefined && c.displayName.toLowerCase() === name) ||
          (email !== undefined && c.emails.some((e) => e.toLowerCase() === email)) ||
          (phone !== undefined && c.phones.some((p) => digits(p) === phone)),
      );
  }

  async listCandidates(ctx: AtsContext, request: ListCandidatesRequest): Promise<CandidatePage> {
    const all = this.candidates(ctx);
    const start = request.cursor ? Number(request.cursor) : 0;
    const size = request.pageSize ?? 500;
    const page = all.slice(start, start + size);
    return { candidates: page, nextCursor: start + size < all.length ? String(start + size) : null };
  }

  async postNote(ctx: AtsContext, candidate: AtsCandidate, draft: NoteDraft): Promise<PostedNote> {
    if (!this.candidates(ctx).some((c) => c.externalId === candidate.externalId)) {
      throw new AtsError('NOT_FOUND', `sandbox: no candidate ${candidate.externalId}`, { status: 404 });
    }
    // No user directory: the owner is recorded as named, and an owner without name or e-mail as settings.userId.
    const fallback = typeof ctx.settings.userId === 'string' && ctx.settings.userId.trim() !== '' ? ctx.settings.userId.trim() : null;
    const author = draft.author.name ?? draft.author.email ?? fallback;
    const rows = await INSERT_NOTE.run(this.dataSource, [ctx.connectionId, candidate.externalId, draft.title, draft.text, draft.html, draft.visibility, author, draft.referenceMarker]);
    // A marker already stored names the existing note: the table's unique key is this ATS's idempotency slot.
    const row = rows[0];
    return row ? toCreatedNote(row) : { externalNoteId: null, visibility: draft.visibility, authorId: author };
  }

  async findNote(ctx: AtsContext, _candidate: AtsCandidate, draft: NoteDraft): Promise<CreatedNote | null> {
    const rows: NoteRow[] = await this.dataSource.query(
      `SELECT id, visibility, author FROM sandbox_notes WHERE connection_id = $1 AND reference_marker = $2`,
      [ctx.connectionId, draft.referenceMarker],
    );
    return rows[0] ? toCreatedNote(rows[0]) : null;
  }

  async deleteNote(ctx: AtsContext, note: FiledNote): Promise<'deleted' | 'not_found'> {
    const rows = rowsOf(await this.dataSource.query(
      `DELETE FROM sandbox_notes WHERE connection_id = $1 AND candidate_id = $2 AND id::text = $3 RETURNING 1`,
      [ctx.connectionId, note.candidateId, note.externalNoteId],
    ));
    return rows.length > 0 ? 'deleted' : 'not_found';
  }

  async testConnection(ctx: AtsContext): Promise<ConnectionCheck[]> {
    const read = configOrCheck(() => readConnectionConfig(SANDBOX_CONTRACT, ctx));
    if (!read.config) return read.checks;
    return [
      { check: 'candidates', ok: true, detail: `${read.config.settings.candidates?.length ?? 0} sandbox candidates` },
      { check: 'notes', ok: true, detail: 'notes are stored in Debrief\'s database' },
    ];
  }

  /** The settings' candidates, read once per settings object (a connection's settings are shared while unchanged). */
  private candidates(ctx: AtsContext): AtsCandidate[] {
    let known = this.candidatesBySettings.get(ctx.settings);
    if (!known) {
      const raw = Array.isArray(ctx.settings.candidates) ? (ctx.settings.candidates as SandboxCandidate[]) : [];
      known = raw
        .filter((c) => c && (typeof c.id === 'string' || typeof c.id === 'number'))
        .map((c) => ({
          externalId: String(c.id),
          firstName: c.firstName ?? null,
          lastName: c.lastName ?? null,
          displayName: [c.firstName, c.lastName].filter(Boolean).join(' ') || String(c.id),
          phones: Array.isArray(c.phones) ? c.phones.map(String) : [],
          emails: Array.isArray(c.emails) ? c.emails.map(String) : [],
          updatedAt: null,
        }));
      this.candidatesBySettings.set(ctx.settings, known);
    }
    return known;
  }

}
