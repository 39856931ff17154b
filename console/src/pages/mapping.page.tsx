import { Anchor, Button, Card, Group, List, Radio, SimpleGrid, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import sample from '../../../src/meeting/meeting-completed.sample.json';
import { api, ApiFailure, unwrap } from '../api/client';
import { diffLines, foldUnchanged } from '../diff';
import { NoteView } from '../note-view';
import { connectionQuery, mappingQuery, mappingVersionQuery, mappingVersionsQuery, savedSamplePreviewQuery } from '../queries';
import { DataTable, ErrorMessage, Loading, Notice, Pager, ReadOnlyNotice, StatusMessage, WriteButton, useCursorPager, when } from '../ui';

/** Waits for typing to pause before asking for a preview. */
function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return settled;
}

/** Where a JSON path's last key stands in the text, to put the cursor on it. */
function locate(text: string, path: string): number {
  const keys = path.replace(/^\$\.?/, '').split('.').filter(Boolean);
  let from = 0;
  for (const key of keys) {
    const at = text.indexOf(`"${key}"`, from);
    if (at < 0) break;
    from = at;
  }
  return from;
}

const pretty = (doc: unknown) => JSON.stringify(doc, null, 2);

export default function MappingPage() {
  const { id } = useParams();
  const client = useQueryClient();
  const editor = useRef<HTMLTextAreaElement>(null);
  // The connection, the mapping in force and the history are asked together; the frame is drawn meanwhile.
  const connection = useQuery(connectionQuery(id!));
  const current = useQuery(mappingQuery(id!));
  const [text, setText] = useState<string | null>(null);
  const [source, setSource] = useState<'sample' | 'event'>('sample');
  const [eventId, setEventId] = useState('');
  const [opened, setOpened] = useState<number | null>(null);
  useEffect(() => {
    if (current.data && text === null) setText(pretty(current.data.mapping));
  }, [current.data, text]);

  // Typing waits for a pause; the first document (just loaded) is previewed at once.
  const debounced = useDebounced({ text, source, eventId }, 400);
  const settled = debounced.text === null ? { text, source, eventId } : debounced;
  let draft: unknown = undefined;
  let parseError: string | null = null;
  if (settled.text !== null) {
    try {
      draft = JSON.parse(settled.text);
    } catch (err) {
      parseError = (err as Error).message;
    }
  }
  // Until the editor differs from the mapping in force, the preview is of the saved mapping and needs no draft:
  // it is asked for with the page's other data, not after the mapping has arrived.
  const saved = current.data ? pretty(current.data.mapping) : null;
  const usesSaved = settled.text === null || settled.text === saved;
  const preview = useQuery(
    usesSaved && settled.source === 'sample'
      ? savedSamplePreviewQuery(id!)
      : {
          queryKey: ['preview', id, usesSaved ? 'saved' : 'draft', settled],
          enabled: (usesSaved || parseError === null) && (settled.source === 'sample' || settled.eventId.length > 0),
          retry: false,
          queryFn: () => {
            const mapping = usesSaved ? {} : { mapping: draft };
            return unwrap(
              api.POST('/admin/connections/{id}/preview', {
                params: { path: { id: id! } },
                body: settled.source === 'sample' ? { payload: sample as unknown, ...mapping } : { eventId: settled.eventId, ...mapping },
              }),
            );
          },
        },
  );
  const save = useMutation({
    mutationFn: () => unwrap(api.PUT('/admin/connections/{id}/mapping', { params: { path: { id: id! } }, body: JSON.parse(text ?? '{}') })),
    onSuccess: (version) => {
      client.setQueryData(['mapping', id], version);
      void client.invalidateQueries({ queryKey: ['mapping-versions', id] });
      void client.invalidateQueries({ queryKey: ['preview', id, 'saved'] });
    },
  });
  const failure = (save.error ?? preview.error) instanceof ApiFailure ? ((save.error ?? preview.error) as ApiFailure) : null;
  const problems = failure?.problems.filter((p) => p.path.startsWith('$.mapping') || !p.path.startsWith('$.payload')) ?? [];
  const goTo = (path: string) => {
    const el = editor.current;
    if (!el || text === null) return;
    const at = locate(text, path.replace(/^\$\.mapping/, '$'));
    el.focus();
    el.setSelectionRange(at, at);
  };
  const p = preview.data;
  const load = (doc: unknown) => {
    setText(pretty(doc));
    editor.current?.focus();
  };
  return (
    <>
      <Title order={1} mb="xs">
        Field mapping of {connection.data?.name ?? '…'}
      </Title>
      <Text mb="sm">
        <Anchor component={Link} to="/connections">
          ← Connections
        </Anchor>
        {current.data && (
          <>
            {' '}
            · In force: version {current.data.version}
            {current.data.isDefault && ' (the built-in default)'}
          </>
        )}
      </Text>
      <ReadOnlyNotice />
      {(current.error ?? connection.error) && <ErrorMessage error={current.error ?? connection.error} />}
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="xl">
        <section aria-labelledby="editor-h">
          <Title order={2} id="editor-h" size="h3" mb="xs">
            Mapping
          </Title>
          {current.isPending && <Loading what="the mapping" />}
          <Textarea
            label="Mapping document (JSON)"
            ref={editor}
            className="code"
            rows={24}
            spellCheck={false}
            disabled={text === null}
            error={parseError !== null || problems.length > 0 ? 'The document has problems: each is listed below; its button puts the cursor on it.' : undefined}
            value={text ?? ''}
            onChange={(e) => setText(e.currentTarget.value)}
          />
          <div id="mapping-problems" aria-live="polite">
            {parseError && (
              <Text c="red.9" size="sm" mt="xs">
                Not valid JSON: {parseError}
              </Text>
            )}
            {problems.length > 0 && (
              <List size="sm" c="red.9" mt="xs" data-testid="mapping-problems">
                {problems.map((pr) => (
                  <List.Item key={`${pr.path}:${pr.message}`}>
                    <Button variant="subtle" color="red.9" size="compact-xs" onClick={() => goTo(pr.path)}>
                      {pr.path.replace(/^\$\.mapping/, '$')}
                    </Button>{' '}
                    {pr.message}
                  </List.Item>
                ))}
              </List>
            )}
            {current.data?.warnings?.map((w) => (
              <Notice key={w.path}>
                {w.path}: {w.message}
              </Notice>
            ))}
          </div>
          <Group gap="sm" mt="sm">
            <WriteButton onClick={() => save.mutate()} disabled={text === null || parseError !== null} loading={save.isPending}>
              Save as a new version
            </WriteButton>
            <Button variant="default" disabled={!current.data} onClick={() => current.data && setText(pretty(current.data.mapping))}>
              Discard changes
            </Button>
          </Group>
          {save.isSuccess && <StatusMessage>Saved as version {save.data.version}.</StatusMessage>}
          {save.error && !(save.error instanceof ApiFailure && save.error.problems.length) && <ErrorMessage error={save.error} />}
        </section>
        <section aria-labelledby="preview-h">
          <Title order={2} id="preview-h" size="h3" mb="xs">
            Preview
          </Title>
          <Radio.Group label="Render" value={source} onChange={(v) => setSource(v as 'sample' | 'event')}>
            <Stack gap="xs" mt="xs">
              <Radio value="sample" label="the provider's sample meeting" />
              <Radio value="event" label="a stored event" />
            </Stack>
          </Radio.Group>
          {source === 'event' && <TextInput label="Event id" mt="sm" value={eventId} onChange={(e) => setEventId(e.currentTarget.value)} />}
          <div aria-live="polite" aria-busy={preview.isFetching} style={{ marginTop: 'var(--mantine-spacing-md)' }}>
            {preview.error && !(preview.error instanceof ApiFailure && preview.error.problems.length) && <ErrorMessage error={preview.error} />}
            {p && (
              <>
                <Text size="sm" mb="xs">
                  {p.wouldPost ? 'Would post' : 'Would not post'} · match: {p.match.decision}
                  {p.match.candidateName && <> ({p.match.candidateName})</>} · visibility: {p.visibility.visibility ?? p.visibility.action} · mapping{' '}
                  {p.mappingSource}
                </Text>
                {p.note ? (
                  <NoteView title={p.note.title} text={p.note.text} html={p.note.html} format={p.note.format} visibility={p.note.visibility} />
                ) : (
                  <Text>No note: {p.visibility.reason}</Text>
                )}
              </>
            )}
          </div>
        </section>
      </SimpleGrid>
      <VersionHistory connectionId={id!} opened={opened} onOpen={setOpened} />
      {opened !== null && <OpenedVersion connectionId={id!} version={opened} editorText={text} onLoad={load} onClose={() => setOpened(null)} />}
    </>
  );
}

/** The saved versions, newest first, a page at a time, from the API's mapping history. */
function VersionHistory({ connectionId, opened, onOpen }: { connectionId: string; opened: number | null; onOpen: (version: number) => void }) {
  const pager = useCursorPager(connectionId);
  const history = useQuery(mappingVersionsQuery(connectionId, pager.cursor));
  return (
    <section aria-labelledby="history-h">
      <Title order={2} id="history-h" size="h3" mt="xl" mb="xs">
        Version history
      </Title>
      {history.error && <ErrorMessage error={history.error} />}
      {history.isPending && <Loading what="the history" />}
      {history.data?.items.length === 0 && pager.page === 1 ? (
        <Text>No saved version: the built-in default is in force.</Text>
      ) : (
        history.data && (
          <>
            <DataTable label="Mapping versions table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Version</Table.Th>
                  <Table.Th scope="col">Saved</Table.Th>
                  <Table.Th scope="col">By</Table.Th>
                  <Table.Th scope="col">Document</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {history.data.items.map((v) => (
                  <Table.Tr key={v.version} data-version={v.version}>
                    <Table.Th scope="row">{v.version}</Table.Th>
                    <Table.Td>{when(v.createdAt)}</Table.Td>
                    <Table.Td>{v.createdBy ?? '—'}</Table.Td>
                    <Table.Td>
                      <Button size="compact-sm" variant={opened === v.version ? 'filled' : 'light'} aria-pressed={opened === v.version} onClick={() => onOpen(v.version)}>
                        Open version {v.version}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </DataTable>
            <Pager pager={pager} nextCursor={history.data.nextCursor} label="Mapping versions" />
          </>
        )
      )}
    </section>
  );
}

/** An old version beside the editor: its lines compared with the editor's, and a way to bring it back. */
function OpenedVersion({
  connectionId,
  version,
  editorText,
  onLoad,
  onClose,
}: {
  connectionId: string;
  version: number;
  editorText: string | null;
  onLoad: (doc: unknown) => void;
  onClose: () => void;
}) {
  const doc = useQuery(mappingVersionQuery(connectionId, version));
  const lines = doc.data && editorText !== null ? diffLines(pretty(doc.data.mapping), editorText) : [];
  const changed = lines.filter((l) => l.kind !== 'same').length;
  return (
    <Card withBorder component="section" aria-labelledby="opened-h" mt="md">
      <Group justify="space-between" mb="xs">
        <Title order={3} id="opened-h" size="h4">
          Version {version}
          {doc.data && (
            <Text span size="sm" c="dimmed" fw={400}>
              {' '}
              saved {when(doc.data.createdAt)} by {doc.data.createdBy ?? '—'}
            </Text>
          )}
        </Title>
        <Group gap="xs">
          <Button size="xs" disabled={!doc.data} onClick={() => doc.data && onLoad(doc.data.mapping)}>
            Load version {version} into the editor
          </Button>
          <Button size="xs" variant="default" onClick={onClose}>
            Close version {version}
          </Button>
        </Group>
      </Group>
      {doc.error && <ErrorMessage error={doc.error} />}
      {doc.isPending && <Loading what={`version ${version}`} />}
      {doc.data && (
        <>
          <Text size="sm" mb="xs" role="status">
            {changed === 0 ? `The editor holds version ${version} unchanged.` : `${changed} line(s) differ: − only in version ${version}, + only in the editor.`}
          </Text>
          <pre className="diff" aria-label={`Version ${version} compared with the editor`} tabIndex={0} data-testid="version-diff">
            {foldUnchanged(lines).map((l, i) =>
              l.kind === 'skipped' ? (
                <div key={i} className="diff-skipped">
                  {`  ⋯ ${l.count} unchanged line${l.count === 1 ? '' : 's'}`}
                </div>
              ) : (
                <div key={i} className={`diff-${l.kind}`} data-kind={l.kind}>
                  {l.kind === 'removed' ? '− ' : l.kind === 'added' ? '+ ' : '  '}
                  {l.text}
                </div>
              ),
            )}
          </pre>
          <Text size="xs" c="dimmed">
            Loading a version puts it in the editor; saving makes it the newest version (the history keeps every one).
          </Text>
        </>
      )}
    </Card>
  );
}
