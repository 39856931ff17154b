import { useState } from 'react';
import { useAuth } from '../auth';
import { ErrorMessage } from '../ui';

export function SignInPage() {
  const auth = useAuth();
  const [token, setToken] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  return (
    <article>
      <h1>Debrief console</h1>
      <p>Sign in with an admin token (<code>ADMIN_TOKEN</code>, or a read-only one from <code>ADMIN_READONLY_TOKENS</code>). It is kept in this tab only.</p>
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
        <label>
          Admin token
          <input type="password" name="token" autoComplete="off" required value={token} onChange={(e) => setToken(e.target.value)} />
        </label>
        <ErrorMessage error={error} />
        <button type="submit" aria-busy={busy} disabled={busy}>
          Sign in
        </button>
      </form>
    </article>
  );
}
