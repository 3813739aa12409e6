/**
 * The signed-in session: the token pair, the workspace it belongs to and who signed in. Kept in localStorage so a
 * reload or a second tab stays signed in; every tab sees a change (a rotation, a sign-out) through the storage event.
 */
export interface Session {
  /** What X-Tenant-Id carries: the workspace's id or slug. */
  tenant: string;
  accessToken: string;
  refreshToken: string;
  /** When the access token expires, in ms since the epoch. */
  expiresAt: number;
  user: { id: string; name: string; email: string };
}

export interface SessionStore {
  get(): Session | null;
  set(session: Session | null): void;
  subscribe(listener: () => void): () => void;
}

const key = 'm3.session';

function isSession(value: unknown): value is Session {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Record<string, unknown>;
  return (
    typeof s.tenant === 'string' &&
    typeof s.accessToken === 'string' &&
    typeof s.refreshToken === 'string' &&
    typeof s.expiresAt === 'number' &&
    typeof s.user === 'object' &&
    s.user !== null
  );
}

export function createSessionStore(storage: Storage = window.localStorage): SessionStore {
  const listeners = new Set<() => void>();
  let cachedRaw: string | null = null;
  let cached: Session | null = null;
  const notify = () => listeners.forEach((listener) => listener());

  return {
    get() {
      const raw = storage.getItem(key);
      if (raw !== cachedRaw) {
        cachedRaw = raw;
        try {
          const parsed: unknown = raw === null ? null : JSON.parse(raw);
          cached = isSession(parsed) ? parsed : null;
        } catch {
          cached = null;
        }
      }
      return cached;
    },
    set(session) {
      if (session === null) storage.removeItem(key);
      else storage.setItem(key, JSON.stringify(session));
      notify();
    },
    subscribe(listener) {
      listeners.add(listener);
      const onStorage = (event: StorageEvent) => {
        if (event.key === key || event.key === null) listener();
      };
      window.addEventListener('storage', onStorage);
      return () => {
        listeners.delete(listener);
        window.removeEventListener('storage', onStorage);
      };
    },
  };
}

export const sessionStore = createSessionStore();
