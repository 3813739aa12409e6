import { useCallback, useEffect, useSyncExternalStore } from 'react';

export type ThemeChoice = 'system' | 'light' | 'dark';
const key = 'm3.theme';
const listeners = new Set<() => void>();

function read(): ThemeChoice {
  const value = window.localStorage.getItem(key);
  return value === 'light' || value === 'dark' ? value : 'system';
}

function systemDark() {
  return 'matchMedia' in window && window.matchMedia('(prefers-color-scheme: dark)').matches;
}

/** Puts the `dark` class on <html> when the choice (or, for `system`, the system) is dark. */
export function applyTheme(choice: ThemeChoice = read()) {
  const dark = choice === 'dark' || (choice === 'system' && systemDark());
  document.documentElement.classList.toggle('dark', dark);
  document.documentElement.style.colorScheme = dark ? 'dark' : 'light';
}

export function useTheme() {
  const choice = useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    read,
    (): ThemeChoice => 'system',
  );

  useEffect(() => {
    applyTheme(choice);
    if (choice !== 'system' || !('matchMedia' in window)) return;
    const query = window.matchMedia('(prefers-color-scheme: dark)');
    const follow = () => applyTheme('system');
    query.addEventListener('change', follow);
    return () => query.removeEventListener('change', follow);
  }, [choice]);

  const setChoice = useCallback((next: ThemeChoice) => {
    if (next === 'system') window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, next);
    listeners.forEach((listener) => listener());
  }, []);

  return { choice, setChoice };
}
