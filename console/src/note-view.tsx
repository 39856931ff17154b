/** The note as the ATS shows it: HTML ATSs get the rendered HTML (in a sandbox: no script, no navigation), others the text. */
export function NoteView({ title, text, html, format, visibility }: { title: string; text?: string | null; html?: string | null; format: 'html' | 'text'; visibility: string | null }) {
  const isPrivate = visibility !== null && visibility !== 'public';
  return (
    <figure className="note" aria-label="Note as the ATS shows it">
      <figcaption>
        <strong>{title}</strong>{' '}
        {isPrivate && (
          <span className="private" data-testid="private-badge">
            Private{visibility !== 'private' ? ` (${visibility})` : ''}
          </span>
        )}
      </figcaption>
      {format === 'html' && html ? (
        <iframe className="note-frame" title={`Note: ${title}`} sandbox="" srcDoc={`<!doctype html><meta charset="utf-8"><body style="font-family:sans-serif">${html}</body>`} />
      ) : (
        <div className="note-text" data-testid="note-text">
          {text}
        </div>
      )}
    </figure>
  );
}

export interface EvidenceItem {
  kind: string;
  candidateId: string;
  detail: string;
}

export function EvidenceList({ evidence }: { evidence: EvidenceItem[] }) {
  if (evidence.length === 0) return <p>No evidence.</p>;
  return (
    <ul>
      {evidence.map((e, i) => (
        <li key={`${e.kind}-${i}`}>
          <strong>{e.kind.replace('_', ' ')}</strong>: {e.detail}
        </li>
      ))}
    </ul>
  );
}
