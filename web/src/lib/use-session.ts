import { useSyncExternalStore } from 'react';
import { sessionStore } from './session';

/** The current session (null when signed out); re-renders on sign-in, rotation and sign-out, in any tab. */
export function useSession() {
  return useSyncExternalStore(
    (listener) => sessionStore.subscribe(listener),
    () => sessionStore.get(),
    () => null,
  );
}
