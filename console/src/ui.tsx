import { Alert, Badge, Button, Group, Modal, Pagination, Table, Text, type ButtonProps } from '@mantine/core';
import { useState, type ComponentPropsWithoutRef, type ReactNode } from 'react';
import { ApiFailure } from './api/client';
import { useReadOnlyReason, useWriteBlock } from './auth';

export function ErrorMessage({ error }: { error: unknown }) {
  if (!error) return null;
  const failure = error instanceof ApiFailure ? error : null;
  return (
    <Alert role="alert" color="red" variant="light" my="sm" title={failure ? failure.code : 'Error'}>
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
    </Alert>
  );
}

/** A persistent remark (not an interruption): a note for assistive technology, not an alert. */
export function Notice({ children }: { children: ReactNode }) {
  return (
    <Alert role="note" color="yellow" variant="light" my="sm">
      {children}
    </Alert>
  );
}

/** Something that happened after an action ("Saved", "Queued again"): announced politely. */
export function StatusMessage({ children, label }: { children: ReactNode; label?: string }) {
  return (
    <Alert role="status" aria-label={label} color="green" variant="light" my="sm">
      {children}
    </Alert>
  );
}

export { Loading } from './loading';

type WriteButtonProps = ButtonProps & Omit<ComponentPropsWithoutRef<'button'>, keyof ButtonProps>;

/** A button that changes something: disabled, with the reason, for a read-only token. */
export function WriteButton(props: WriteButtonProps) {
  const block = useWriteBlock();
  return <Button type="button" {...props} disabled={props.disabled || block !== null} title={block ?? props.title} />;
}

export function ReadOnlyNotice() {
  const block = useReadOnlyReason();
  return block ? <Notice>{block}</Notice> : null;
}

/**
 * Asks before an action that cannot be undone; the dialog is modal, keeps the focus and is named by its title.
 * `unavailable` disables the button with that reason (as for a read-only token).
 */
export function ConfirmButton({
  label,
  question,
  confirmLabel,
  onConfirm,
  color,
  variant,
  unavailable,
}: {
  label: string;
  question: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  color?: string;
  variant?: string;
  unavailable?: string;
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <WriteButton color={color} variant={variant} onClick={() => setOpen(true)} disabled={unavailable !== undefined} title={unavailable}>
        {label}
      </WriteButton>
      <Modal opened={open} onClose={() => setOpen(false)} title={confirmLabel} centered closeButtonProps={{ 'aria-label': 'Cancel' }}>
        <Text mb="md">{question}</Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={() => setOpen(false)}>
            Cancel
          </Button>
          <Button
            data-autofocus
            onClick={() => {
              setOpen(false);
              onConfirm();
            }}
          >
            {confirmLabel}
          </Button>
        </Group>
      </Modal>
    </>
  );
}

const STATUS_COLORS: Record<string, string> = {
  synced: 'green',
  failed: 'red',
  needs_review: 'orange',
  unmatched: 'grape',
  pending: 'blue',
  processing: 'cyan',
  skipped: 'gray',
  enabled: 'green',
  disabled: 'gray',
};

/** A sync's (or a connection's) state: the colour is a dot, the text keeps the page's contrast. `data-status` lets a test wait for a state without reading colours. */
export function StatusBadge({ status }: { status: string }) {
  return (
    <Badge color={STATUS_COLORS[status] ?? 'gray'} variant="dot" data-status={status} data-testid="status-badge" style={{ verticalAlign: 'middle' }}>
      {status.replace('_', ' ')}
    </Badge>
  );
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

/** Previous and next through cursors: the total is unknown, so the pager only knows whether one more page exists. */
export function Pager({ pager, nextCursor, label }: { pager: ReturnType<typeof useCursorPager>; nextCursor: string | null | undefined; label: string }) {
  const total = pager.page + (nextCursor ? 1 : 0);
  return (
    <nav aria-label={`${label} pages`}>
      <Pagination.Root
        total={total}
        value={pager.page}
        onChange={(p) => (p > pager.page ? nextCursor && pager.next(nextCursor) : pager.previous())}
        my="md"
      >
        <Group gap="sm">
          <Pagination.Previous aria-label="Previous page" />
          <Text size="sm">Page {pager.page}</Text>
          <Pagination.Next aria-label="Next page" />
        </Group>
      </Pagination.Root>
    </nav>
  );
}

/** A table that scrolls sideways on its own when it is wider than the page, reachable from the keyboard. */
export function DataTable({ label, children, caption }: { label: string; children: ReactNode; caption?: string }) {
  return (
    <div style={{ overflowX: 'auto' }} tabIndex={0} role="region" aria-label={label}>
      <Table striped highlightOnHover verticalSpacing="xs">
        {caption && <Table.Caption>{caption}</Table.Caption>}
        {children}
      </Table>
    </div>
  );
}

export const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' }) : '—');

export const shortId = (id: string) => id.slice(0, 8);
