import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api, ApiFailure, unwrap } from '../api/client';
import { useAuth } from '../auth';
import { SchemaFields, valuesToDocument, type FormValues, type JsonSchema } from '../schema-form';
import { ConfirmButton, ErrorMessage, Loading, Pager, ReadOnlyNotice, WriteButton, useCursorPager, when } from '../ui';
import { useProviders } from './sync.page';

export default function ConnectionsPage() {
  const pager = useCursorPager('connections');
  const { readOnly } = useAuth();
  const list = useQuery({
    queryKey: ['connections', pager.cursor],
    queryFn: () => unwrap(api.GET('/admin/connections', { params: { query: { limit: 25, cursor: pager.cursor } } })),
    placeholderData: keepPreviousData,
  });
  return (
    <>
      <h1>Connections</h1>
      <ReadOnlyNotice />
      {list.error && <ErrorMessage error={list.error} />}
      {list.isPending ? (
        <Loading what="connections" />
      ) : list.data?.items.length === 0 ? (
        <p>No connection yet.</p>
      ) : (
        list.data?.items.map((c) => <ConnectionCard key={c.id} connection={c} />)
      )}
      <Pager pager={pager} nextCursor={list.data?.nextCursor} label="Connections" />
      {!readOnly && <CreateConnection />}
    </>
  );
}

type Connection = NonNullable<ReturnType<typeof useQuery<Awaited<ReturnType<typeof listConnections>>>>['data']>['items'][number];
const listConnections = () => unwrap(api.GET('/admin/connections'));

function ConnectionCard({ connection: c }: { connection: Connection }) {
  const client = useQueryClient();
  const invalidate = () => void client.invalidateQueries({ queryKey: ['connections'] });
  const test = useMutation({ mutationFn: () => unwrap(api.POST('/admin/connections/{id}/test', { params: { path: { id: c.id } } })) });
  const toggle = useMutation({
    mutationFn: () => unwrap(api.PATCH('/admin/connections/{id}', { params: { path: { id: c.id } }, body: { enabled: !c.enabled } })),
    onSuccess: invalidate,
  });
  const remove = useMutation({ mutationFn: () => unwrap(api.DELETE('/admin/connections/{id}', { params: { path: { id: c.id } } })), onSuccess: invalidate });
  return (
    <article aria-labelledby={`conn-${c.id}`}>
      <header>
        <h2 id={`conn-${c.id}`} style={{ marginBottom: 0 }}>
          {c.name} <small>({c.provider})</small> {c.enabled ? <mark className="status status-synced">enabled</mark> : <mark className="status">disabled</mark>}
        </h2>
      </header>
      <p>
        Account <code>{c.accountId}</code>
        {c.teamId && (
          <>
            , team <code>{c.teamId}</code>
          </>
        )}
        {' · '}credentials {c.hasCredentials ? 'set' : 'none'} · created {when(c.createdAt)} · id <code>{c.id}</code>
      </p>
      {c.directory && (
        <p>
          Directory: {c.directory.candidates} candidates
          {c.directory.running
            ? ` · refreshing (${c.directory.pages} pages read)`
            : c.directory.complete
              ? ` · complete, last full refresh ${c.directory.lastFullRefreshAt ? when(c.directory.lastFullRefreshAt) : 'never'}`
              : ' · full refresh pending'}
        </p>
      )}
      <div className="actions">
        <WriteButton onClick={() => test.mutate()} aria-busy={test.isPending}>
          Test {c.name}
        </WriteButton>
        <WriteButton className="secondary" onClick={() => toggle.mutate()}>
          {c.enabled ? `Disable ${c.name}` : `Enable ${c.name}`}
        </WriteButton>
        <Link role="button" className="secondary outline" to={`/connections/${c.id}/mapping`}>
          Field mapping of {c.name}
        </Link>
        <Link role="button" className="secondary outline" to={`/syncs?connectionId=${c.id}`}>
          Syncs of {c.name}
        </Link>
        <ConfirmButton
          className="contrast outline"
          label={`Delete ${c.name}`}
          question={`Delete ${c.name}? Its syncs stay in the history; no new meeting will be routed to it.`}
          confirmLabel={`Yes, delete ${c.name}`}
          onConfirm={() => remove.mutate()}
        />
      </div>
      <ErrorMessage error={test.error ?? toggle.error ?? remove.error} />
      {test.data && (
        <section aria-label={`Test result of ${c.name}`} role="status">
          <p>
            <strong>{test.data.ok ? 'Every required check passed.' : 'The test failed.'}</strong>
            {test.data.rearmed > 0 && ` ${test.data.rearmed} failed sync(s) re-armed.`}
          </p>
          <ul>
            {test.data.checks.map((check) => (
              <li key={check.check}>
                {check.ok ? '✔' : '✘'} <strong>{check.check}</strong> ({check.severity ?? 'required'}): {check.detail}
              </li>
            ))}
          </ul>
        </section>
      )}
    </article>
  );
}

/** Errors at `$.credentials.<key>` or `$.settings.<key>`, by key. */
function errorsUnder(error: unknown, root: string): Record<string, string> {
  if (!(error instanceof ApiFailure)) return {};
  const out: Record<string, string> = {};
  for (const p of error.problems) {
    const m = new RegExp(`^\\$\\.${root}\\.([^.\\[]+)`).exec(p.path);
    if (m) out[m[1]!] = out[m[1]!] ? `${out[m[1]!]}; ${p.message}` : p.message;
  }
  return out;
}

function CreateConnection() {
  const client = useQueryClient();
  const providers = useProviders();
  const [provider, setProvider] = useState('');
  const [basics, setBasics] = useState({ name: '', accountId: '', teamId: '' });
  const [credentials, setCredentials] = useState<FormValues>({});
  const [settings, setSettings] = useState<FormValues>({});
  const [local, setLocal] = useState<{ credentials: Record<string, string>; settings: Record<string, string> }>({ credentials: {}, settings: {} });
  const chosen = providers.data?.items.find((p) => p.provider === provider);
  const create = useMutation({
    mutationFn: (body: Record<string, unknown>) => unwrap(api.POST('/admin/connections', { body: body as never })),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['connections'] });
      setBasics({ name: '', accountId: '', teamId: '' });
      setCredentials({});
      setSettings({});
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!chosen) return;
    const c = valuesToDocument(chosen.credentialsSchema as JsonSchema, credentials);
    const s = valuesToDocument(chosen.settingsSchema as JsonSchema, settings);
    setLocal({ credentials: c.problems, settings: s.problems });
    if (Object.keys(c.problems).length || Object.keys(s.problems).length) return;
    create.mutate({
      name: basics.name,
      provider,
      accountId: basics.accountId,
      ...(basics.teamId ? { teamId: basics.teamId } : {}),
      ...(Object.keys(c.document).length ? { credentials: c.document } : {}),
      settings: s.document,
    });
  };
  return (
    <section aria-labelledby="create-h">
      <h2 id="create-h">Connect an organisation</h2>
      <form onSubmit={submit}>
        <label>
          Provider
          <select required value={provider} onChange={(e) => setProvider(e.target.value)}>
            <option value="">choose…</option>
            {providers.data?.items.map((p) => (
              <option key={p.provider} value={p.provider}>
                {p.provider}
              </option>
            ))}
          </select>
        </label>
        {chosen && (
          <p>
            Searches by {chosen.capabilities.search.join(', ') || 'nothing'}; {chosen.capabilities.privateNotes ? 'private notes' : 'no private notes'};{' '}
            {chosen.capabilities.richText ? 'HTML notes' : 'plain-text notes'}
            {chosen.vendorDomains.length > 0 && <>; credentials go to {chosen.vendorDomains.join(', ')} only</>}.
          </p>
        )}
        <div className="grid">
          <label>
            Name (required)
            <input required value={basics.name} onChange={(e) => setBasics({ ...basics, name: e.target.value })} />
          </label>
          <label>
            Account id (required)
            <input required value={basics.accountId} onChange={(e) => setBasics({ ...basics, accountId: e.target.value })} />
          </label>
          <label>
            Team id
            <input value={basics.teamId} onChange={(e) => setBasics({ ...basics, teamId: e.target.value })} />
          </label>
        </div>
        {chosen && (
          <>
            <SchemaFields
              legend="Credentials"
              secret
              schema={chosen.credentialsSchema as JsonSchema}
              values={credentials}
              onChange={setCredentials}
              errors={{ ...errorsUnder(create.error, 'credentials'), ...local.credentials }}
            />
            <SchemaFields
              legend="Settings"
              schema={chosen.settingsSchema as JsonSchema}
              values={settings}
              onChange={setSettings}
              errors={{ ...errorsUnder(create.error, 'settings'), ...local.settings }}
            />
          </>
        )}
        <ErrorMessage error={create.error} />
        {create.data && (
          <p role="status">
            Connected {create.data.name} (<code>{create.data.id}</code>). Test it above.
          </p>
        )}
        <button type="submit" disabled={!chosen || create.isPending} aria-busy={create.isPending}>
          Create connection
        </button>
      </form>
    </section>
  );
}
