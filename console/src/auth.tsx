import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, tokenStore, unauthorizedListeners, unwrap } from './api/client';
import { sessionQuery } from './queries';

interface Auth {
  signedIn: boolean;
  /** True until the session says otherwise: nothing can be written before the token's rights are known. */
  readOnly: boolean;
  /** The session has answered (who the token is, whether it may write). */
  known: boolean;
  actor: string | null;
  signIn: (token: string) => Promise<void>;
  signOut: () => void;
}

const AuthContext = createContext<Auth | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const client = useQueryClient();
  const [token, setToken] = useState<string | null>(() => tokenStore.get());
  const session = useQuery({ ...sessionQuery(token ?? ''), enabled: token !== null });
  const signOut = useCallback(() => {
    tokenStore.clear();
    setToken(null);
    client.clear();
  }, [client]);
  useEffect(() => {
    unauthorizedListeners.add(signOut);
    return () => void unauthorizedListeners.delete(signOut);
  }, [signOut]);
  const signIn = useCallback(
    async (candidate: string) => {
      tokenStore.set(candidate);
      try {
        const who = await unwrap(api.GET('/admin/session'));
        client.setQueryData(['session', candidate], who);
        setToken(candidate);
      } catch (err) {
        tokenStore.clear();
        throw err;
      }
    },
    [client],
  );
  // A stored token draws the console at once, while the session is asked in parallel with the page's own
  // requests (a 401 from either signs the tab out): the page does not wait for a round trip of its own.
  const value: Auth = {
    signedIn: token !== null && !session.isError,
    readOnly: session.data?.readOnly ?? true,
    known: session.isSuccess,
    actor: session.data?.actor ?? null,
    signIn,
    signOut,
  };
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth outside AuthProvider');
  return auth;
}

const READ_ONLY = 'Your token is read-only: it can look but not change anything.';

/** Why a write control is disabled for a read-only token, or null when it may write. */
export function useWriteBlock(): string | null {
  const auth = useAuth();
  if (!auth.known) return 'Checking what your token may do…';
  return auth.readOnly ? READ_ONLY : null;
}

/** The reason to show on the page: only a token known to be read-only gets the notice. */
export function useReadOnlyReason(): string | null {
  const auth = useAuth();
  return auth.known && auth.readOnly ? READ_ONLY : null;
}
