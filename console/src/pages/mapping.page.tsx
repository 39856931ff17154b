import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import sample from '../../../test/fixtures/meeting-completed.sample.json';
import { api, ApiFailure, unwrap } from '../api/client';
import { NoteView } from '../note-view';
import { ErrorMessage, Loading, ReadOnlyNotice, WriteButton, when } from '../ui';

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

export default function MappingPage() {
  const { id } = useParams();
  const client = useQueryClient();
  const editor = useRef<HTMLTextAreaElement>(null);
  const connection = useQuery({ queryKey: ['connection', id], queryFn: () => unwrap(api.GET('/admin/connections/{id}', { params: { path: { id: id! } } })) });
  const current = useQuery({ queryKey: ['mapping', id], queryFn: () => unwrap(api.GET('/admin/connections/{id}/mapping', { params: { path: { id: id! } } })) });
  const history = useQuery({
    queryKey: ['audit', 'mapping', id],
    queryFn: () => unwrap(api.GET('/admin/audit', { params: { query: { targetType: 'mapping', targetId: id!, limit: 20 } } })),
  });
  const [text, setText] = useState<string | null>(null);
  const [source, setSource] = useState<'sample' | 'event'>('sample');
  const [eventId, setEventId] = useState('');
  useEffect(() => {
    if (current.data && text === null) setText(JSON.stringify(current.data.mapping, null, 2));
  }, [current.data, text]);

  const settled = useDebounced({ text, source, eventId }, 400);
  let draft: unknown = undefined;
  let parseError: string | null = null;
  if (settled.text !== null) {
    try {
      draft = JSON.parse(settled.text);
    } catch (err) {
      parseError = (err as Error).message;
    }
  }
  const preview = useQuery({
    queryKey: ['preview', id, settled],
    enabled: settled.text !== null && parseError === null && (settled.source === 'sample' || settled.eventId.length > 0),
    retry: false,
    queryFn: () =>
      unwrap(
        api.POST('/admin/connections/{id}/preview', {
          params: { path: { id: id! } },
          body: settled.source === 'sample' ? { payload: sample as unknown, mapping: draft } : { eventId: settled.eventId, mapping: draft },
        }),
      ),
  });
  const save = useMutation({
    mutationFn: () => unwrap(api.PUT('/admin/connections/{id}/mapping', { params: { path: { id: id! } }, body: JSON.parse(text ?? '{}') })),
    onSuccess: (saved) => {
      client.setQueryData(['mapping', id], saved);
      void client.invalidateQueries({ queryKey: ['audit', 'mapping', id] });
    },
  });
  if (current.isPending) return <Loading what="the mapping" />;
  if (current.error) return <ErrorMessage error={current.error} />;
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
  return (
    <>
      <h1>Field mapping of {connection.data?.name ?? '…'}</h1>
      <p>
        <Link to="/connections">← Connections</Link> · In force: version {current.data.version}
        {current.data.isDefault && ' (the built-in default)'}
      </p>
      <ReadOnlyNotice />
      <div className="grid-2">
        <section aria-labelledby="editor-h">
          <h2 id="editor-h">Mapping</h2>
          <label htmlFor="mapping-editor">Mapping document (JSON)</label>
          <textarea
            id="mapping-editor"
            ref={editor}
            className="code"
            spellCheck={false}
            aria-invalid={parseError !== null || problems.length > 0 ? true : undefined}
            aria-describedby="mapping-problems"
            value={text ?? ''}
            onChange={(e) => setText(e.target.value)}
          />
          <div id="mapping-problems" aria-live="polite">
            {parseError && <p className="field-error">Not valid JSON: {parseError}</p>}
            {problems.length > 0 && (
              <ul className="field-error" data-testid="mapping-problems">
                {problems.map((pr) => (
                  <li key={`${pr.path}:${pr.message}`}>
                    <button type="button" className="outline secondary" style={{ width: 'auto', padding: '0 0.4em' }} onClick={() => goTo(pr.path)}>
                      {pr.path.replace(/^\$\.mapping/, '$')}
                    </button>{' '}
                    {pr.message}
                  </li>
                ))}
              </ul>
            )}
            {current.data.warnings?.map((w) => (
              <p key={w.path} className="notice">
                {w.path}: {w.message}
              </p>
            ))}
          </div>
          <div className="actions">
            <WriteButton onClick={() => save.mutate()} disabled={parseError !== null || save.isPending} aria-busy={save.isPending}>
              Save as a new version
            </WriteButton>
            <button type="button" className="secondary" onClick={() => setText(JSON.stringify(current.data.mapping, null, 2))}>
              Discard changes
            </button>
          </div>
          {save.isSuccess && <p role="status">Saved as version {save.data.version}.</p>}
          {save.error && !(save.error instanceof ApiFailure && save.error.problems.length) && <ErrorMessage error={save.error} />}
        </section>
        <section aria-labelledby="preview-h">
          <h2 id="preview-h">Preview</h2>
          <fieldset>
            <legend>Render</legend>
            <label>
              <input type="radio" name="source" checked={source === 'sample'} onChange={() => setSource('sample')} /> the provider's sample meeting
            </label>
            <label>
              <input type="radio" name="source" checked={source === 'event'} onChange={() => setSource('event')} /> a stored event
            </label>
            {source === 'event' && (
              <label>
                Event id
                <input value={eventId} onChange={(e) => setEventId(e.target.value)} />
              </label>
            )}
          </fieldset>
          <div aria-live="polite" aria-busy={preview.isFetching}>
            {preview.error && !(preview.error instanceof ApiFailure && preview.error.problems.length) && <ErrorMessage error={preview.error} />}
            {p && (
              <>
                <p>
                  {p.wouldPost ? 'Would post' : 'Would not post'} · match: {p.match.decision}
                  {p.match.candidateName && <> ({p.match.candidateName})</>} · visibility: {p.visibility.visibility ?? p.visibility.action} · mapping{' '}
                  {p.mappingSource}
                </p>
                {p.note ? (
                  <NoteView title={p.note.title} text={p.note.text} html={p.note.html} format={p.note.format} visibility={p.note.visibility} />
                ) : (
                  <p>No note: {p.visibility.reason}</p>
                )}
              </>
            )}
          </div>
        </section>
      </div>
      <section aria-labelledby="history-h">
        <h2 id="history-h">Version history</h2>
        {history.error && <ErrorMessage error={history.error} />}
        {history.data?.items.length === 0 ? (
          <p>No saved version: the built-in default is in force.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Saved</th>
                <th scope="col">By</th>
              </tr>
            </thead>
            <tbody>
              {history.data?.items.map((e) => (
                <tr key={e.id}>
                  <td>{String((e.detail as { version?: number } | null)?.version ?? '?')}</td>
                  <td>{when(e.at)}</td>
                  <td>{e.actor}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
