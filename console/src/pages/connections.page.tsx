import { Anchor, Button, Card, Code, Group, List, NativeSelect, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api, ApiFailure, unwrap } from '../api/client';
import { useAuth } from '../auth';
import { SchemaFields, valuesToDocument, type FormValues, type JsonSchema } from '../schema-form';
import { connectionsPageQuery, useProviders } from '../queries';
import { ConfirmButton, ErrorMessage, Loading, Pager, ReadOnlyNotice, StatusBadge, StatusMessage, WriteButton, useCursorPager, when } from '../ui';

export default function ConnectionsPage() {
  const pager = useCursorPager('connections');
  const { readOnly } = useAuth();
  const list = useQuery({ ...connectionsPageQuery(pager.cursor), placeholderData: keepPreviousData });
  return (
    <>
      <Title order={1} mb="md">
        Connections
      </Title>
      <ReadOnlyNotice />
      {list.error && <ErrorMessage error={list.error} />}
      {list.isPending ? (
        <Loading what="connections" />
      ) : list.data?.items.length === 0 ? (
        <Text>No connection yet.</Text>
      ) : (
        <Stack>
          {list.data?.items.map((c) => (
            <ConnectionCard key={c.id} connection={c} />
          ))}
        </Stack>
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
  const sendSample = useMutation({
    mutationFn: () => unwrap(api.POST('/admin/connections/{id}/sample-meeting', { params: { path: { id: c.id } } })),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['overview'] });
      void client.invalidateQueries({ queryKey: ['syncs'] });
    },
  });
  return (
    <Card withBorder component="article" aria-labelledby={`conn-${c.id}`}>
      <Group gap="xs" mb="xs">
        <Title order={2} size="h3" id={`conn-${c.id}`}>
          {c.name}{' '}
          <Text span c="dimmed" fz="sm">
            ({c.provider})
          </Text>
        </Title>
        <StatusBadge status={c.enabled ? 'enabled' : 'disabled'} />
      </Group>
      <Text size="sm">
        Account <Code>{c.accountId}</Code>
        {c.teamId && (
          <>
            , team <Code>{c.teamId}</Code>
          </>
        )}
        {' · '}credentials {c.hasCredentials ? 'set' : 'none'} · created {when(c.createdAt)} · id <Code>{c.id}</Code>
      </Text>
      {c.directory && (
        <Text size="sm">
          Directory: {c.directory.candidates} candidates
          {c.directory.running
            ? ` · refreshing (${c.directory.pages} pages read)`
            : c.directory.complete
              ? ` · complete, last full refresh ${c.directory.lastFullRefreshAt ? when(c.directory.lastFullRefreshAt) : 'never'}`
              : ' · full refresh pending'}
        </Text>
      )}
      <Group gap="xs" mt="sm">
        <WriteButton onClick={() => test.mutate()} loading={test.isPending}>
          Test {c.name}
        </WriteButton>
        <WriteButton variant="light" onClick={() => toggle.mutate()}>
          {c.enabled ? `Disable ${c.name}` : `Enable ${c.name}`}
        </WriteButton>
        <Button component={Link} variant="default" to={`/connections/${c.id}/mapping`}>
          Field mapping of {c.name}
        </Button>
        <Button component={Link} variant="default" to={`/syncs?connectionId=${c.id}`}>
          Syncs of {c.name}
        </Button>
        <ConfirmButton
          variant="light"
          label={`Send the sample meeting to ${c.name}`}
          question={`Send the provider's sample meeting to ${c.name}, as its webhook would? It is matched like any meeting: a note is posted to the candidate it clearly names, or it waits in the review queue.`}
          confirmLabel={`Yes, send the sample to ${c.name}`}
          onConfirm={() => sendSample.mutate()}
          unavailable={c.enabled ? undefined : `${c.name} is disabled: enable it to send it a meeting`}
        />
        <ConfirmButton
          color="red.9"
          variant="outline"
          label={`Delete ${c.name}`}
          question={`Delete ${c.name}? Its syncs stay in the history; no new meeting will be routed to it.`}
          confirmLabel={`Yes, delete ${c.name}`}
          onConfirm={() => remove.mutate()}
        />
      </Group>
      <ErrorMessage error={test.error ?? toggle.error ?? remove.error ?? sendSample.error} />
      {sendSample.data && (
        <StatusMessage label={`Sample sent to ${c.name}`}>
          Sent the sample meeting as event <Code>{sendSample.data.eventId}</Code>: {sendSample.data.syncsCreated} sync
          {sendSample.data.syncsCreated === 1 ? '' : 's'} created.{' '}
          <Anchor component={Link} to={`/syncs?eventId=${encodeURIComponent(sendSample.data.eventId)}`}>
            Follow the sample's syncs
          </Anchor>
        </StatusMessage>
      )}
      {test.data && (
        <StatusMessage label={`Test result of ${c.name}`}>
          <Text fw={700}>
            {test.data.ok ? 'Every required check passed.' : 'The test failed.'}
            {test.data.rearmed > 0 && ` ${test.data.rearmed} failed sync(s) re-armed.`}
          </Text>
          <List size="sm">
            {test.data.checks.map((check) => (
              <List.Item key={check.check}>
                {check.ok ? '✔' : '✘'} <strong>{check.check}</strong> ({check.severity ?? 'required'}): {check.detail}
              </List.Item>
            ))}
          </List>
        </StatusMessage>
      )}
    </Card>
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
      <Title order={2} id="create-h" size="h3" mt="xl" mb="sm">
        Connect an organisation
      </Title>
      <form onSubmit={submit}>
        <Stack maw={720}>
          <NativeSelect
            label="Provider"
            required
            value={provider}
            onChange={(e) => setProvider(e.currentTarget.value)}
            data={[{ value: '', label: 'choose…' }, ...(providers.data?.items.map((p) => ({ value: p.provider, label: p.provider })) ?? [])]}
          />
          {chosen && (
            <Text size="sm">
              Searches by {chosen.capabilities.search.join(', ') || 'nothing'}; {chosen.capabilities.privateNotes ? 'private notes' : 'no private notes'};{' '}
              {chosen.capabilities.richText ? 'HTML notes' : 'plain-text notes'}
              {chosen.vendorDomains.length > 0 && <>; credentials go to {chosen.vendorDomains.join(', ')} only</>}.
            </Text>
          )}
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <TextInput label="Name (required)" required withAsterisk={false} value={basics.name} onChange={(e) => setBasics({ ...basics, name: e.currentTarget.value })} />
            <TextInput
              label="Account id (required)"
              required
              withAsterisk={false}
              value={basics.accountId}
              onChange={(e) => setBasics({ ...basics, accountId: e.currentTarget.value })}
            />
            <TextInput label="Team id" value={basics.teamId} onChange={(e) => setBasics({ ...basics, teamId: e.currentTarget.value })} />
          </SimpleGrid>
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
            <StatusMessage>
              Connected {create.data.name} (<Code>{create.data.id}</Code>). Test it above.
            </StatusMessage>
          )}
          <Group>
            <Button type="submit" disabled={!chosen} loading={create.isPending}>
              Create connection
            </Button>
          </Group>
        </Stack>
      </form>
    </section>
  );
}
