import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

export type { paths, components };

const TOKEN_KEY = 'debrief.adminToken';

/** The admin token lives in this tab's session storage only: closing the tab signs out. */
export const tokenStore = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (token: string) => sessionStorage.setItem(TOKEN_KEY, token),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

/** An admin API error in its `{ code, message, details }` shape. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown,
  ) {
    super(message);
  }

  /** The `{ path, message }` problems of a 400, when it lists them. */
  get problems(): Array<{ path: string; message: string }> {
    return Array.isArray(this.details) ? (this.details as Array<{ path: string; message: string }>).filter((d) => d && typeof d.path === 'string') : [];
  }
}

const auth: Middleware = {
  onRequest({ request }) {
    const token = tokenStore.get();
    if (token) request.headers.set('authorization', `Bearer ${token}`);
    return request;
  },
};

export const api = createClient<paths>({ baseUrl: window.location.origin });
api.use(auth);

/** Every 401 signs the tab out (the token was rotated or mistyped). */
export const unauthorizedListeners = new Set<() => void>();

/** Unwraps an openapi-fetch answer: the data, or an ApiFailure. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok) return data as T;
  const body = (error ?? {}) as { code?: string; message?: string; details?: unknown };
  if (response.status === 401) unauthorizedListeners.forEach((l) => l());
  throw new ApiFailure(response.status, body.code ?? `HTTP_${response.status}`, body.message ?? response.statusText, body.details ?? null);
}

export const getSync = (id: string) => unwrap(api.GET('/admin/syncs/{id}', { params: { path: { id } } }));
export type SyncDetail = Awaited<ReturnType<typeof getSync>>;
