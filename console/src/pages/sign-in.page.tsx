import { Button, Code, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { useAuth } from '../auth';
import { ErrorMessage } from '../ui';

export default function SignInPage() {
  const auth = useAuth();
  const [token, setToken] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  return (
    <Paper withBorder p="xl" radius="md">
      <Title order={1} mb="sm">
        Debrief console
      </Title>
      <Text mb="md">
        Sign in with an admin token (<Code>ADMIN_TOKEN</Code>, or a read-only one from <Code>ADMIN_READONLY_TOKENS</Code>). It is kept in this tab only.
      </Text>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          try {
            await auth.signIn(token.trim());
          } catch (err) {
            setError(err);
          } finally {
            setBusy(false);
          }
        }}
      >
        <Stack>
          <TextInput label="Admin token" type="password" name="token" autoComplete="off" required value={token} onChange={(e) => setToken(e.currentTarget.value)} />
          <ErrorMessage error={error} />
          <Button type="submit" loading={busy} style={{ alignSelf: 'flex-start' }}>
            Sign in
          </Button>
        </Stack>
      </form>
    </Paper>
  );
}
