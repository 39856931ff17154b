import { useEffect, useRef, useState, type ButtonHTMLAttributes, type ReactNode } from 'react';
import { ApiFailure } from './api/client';
import { useWriteBlock } from './auth';

export function ErrorMessage({ error }: { error: unknown }) {
  if (!error) return null;
  const failure = error instanceof ApiFailure ? error : null;
  return (
    <div role="alert" className="error">
      <strong>{failure ? `${failure.code}: ` : ''}</strong>
      {error instanceof Error ? error.message : String(error)}
      {failure && failure.problems.length > 0 && (
        <ul>
          {failure.problems.map((p) => (
            <li key={`${p.path}:${p.message}`}>
              <code>{p.path}</code> {p.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return <p aria-busy="true">Loading {what}…</p>;
}

/** A button that changes something: disabled, with the reason, for a read-only token. */
export function WriteButton(props: ButtonHTMLAttributes<HTMLButtonElement>) {
  const block = useWriteBlock();
  return <button type="button" {...props} disabled={props.disabled || block !== null} title={block ?? props.title} />;
}

export function ReadOnlyNotice() {
  const block = useWriteBlock();
  return block ? (
    <p className="notice" role="note">
      {block}
    </p>
  ) : null;
}

/** Asks before an action that cannot be undone; the dialog is modal and keeps the focus. */
export function ConfirmButton({
  label,
  question,
  confirmLabel,
  onConfirm,
  className,
}: {
  label: string;
  question: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  className?: string;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (open) dialog.current?.showModal();
    else dialog.current?.close();
  }, [open]);
  return (
    <>
      <WriteButton className={className} onClick={() => setOpen(true)}>
        {label}
      </WriteButton>
      <dialog ref={dialog} onClose={() => setOpen(false)} aria-label={confirmLabel}>
        <article>
          <p>{question}</p>
          <footer>
            <button type="button" className="secondary" onClick={() => setOpen(false)}>
              Cancel
            </button>{' '}
            <button
              type="button"
              onClick={() => {
                setOpen(false);
                onConfirm();
              }}
            >
              {confirmLabel}
            </button>
          </footer>
        </article>
      </dialog>
    </>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return <mark className={`status status-${status}`}>{status.replace('_', ' ')}</mark>;
}

/**
 * Paging through the API's cursors: the cursors of the pages before this one are kept, so "Previous" needs
 * no second kind of query. The list is never loaded whole.
 */
export function useCursorPager(resetKey: string) {
  const [stack, setStack] = useState<string[]>([]);
  const [key, setKey] = useState(resetKey);
  if (key !== resetKey) {
    setKey(resetKey);
    setStack([]);
  }
  const cursor = stack[stack.length - 1];
  return {
    cursor,
    page: stack.length + 1,
    next: (nextCursor: string) => setStack((s) => [...s, nextCursor]),
    previous: () => setStack((s) => s.slice(0, -1)),
  };
}

export function Pager({ pager, nextCursor, label }: { pager: ReturnType<typeof useCursorPager>; nextCursor: string | null | undefined; label: string }) {
  return (
    <nav aria-label={`${label} pages`} className="pager">
      <button type="button" className="secondary" disabled={pager.page === 1} onClick={pager.previous}>
        Previous page
      </button>
      <span>Page {pager.page}</span>
      <button type="button" className="secondary" disabled={!nextCursor} onClick={() => nextCursor && pager.next(nextCursor)}>
        Next page
      </button>
    </nav>
  );
}

export const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' }) : '—');

export const shortId = (id: string) => id.slice(0, 8);
