import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, tokenStore, unauthorizedListeners, unwrap } from './api/client';

interface Auth {
  signedIn: boolean;
  readOnly: boolean;
  actor: string | null;
  signIn: (token: string) => Promise<void>;
  signOut: () => void;
}

const AuthContext = createContext<Auth | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const client = useQueryClient();
  const [token, setToken] = useState<string | null>(() => tokenStore.get());
  const session = useQuery({
    queryKey: ['session', token],
    enabled: token !== null,
    staleTime: Infinity,
    queryFn: () => unwrap(api.GET('/admin/session')),
  });
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
  const value: Auth = {
    signedIn: token !== null && session.isSuccess,
    readOnly: session.data?.readOnly ?? true,
    actor: session.data?.actor ?? null,
    signIn,
    signOut,
  };
  if (token !== null && session.isPending) return <p aria-busy="true">Checking your token…</p>;
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth outside AuthProvider');
  return auth;
}

/** Why a write control is disabled for a read-only token, or null when it may write. */
export function useWriteBlock(): string | null {
  return useAuth().readOnly ? 'Your token is read-only: it can look but not change anything.' : null;
}
