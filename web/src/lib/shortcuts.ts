import { useEffect, useRef } from 'react';

/**
 * Keyboard shortcuts of a page, by name: a key (`n`, `1`) or `mod+enter` (Ctrl or ⌘ with Enter). A plain key does
 * not fire while the focus is in a text field, a select or an editable element (the agent is typing); a shortcut
 * with a modifier does, since that is where one saves from.
 */
export type ShortcutMap = Record<string, (event: KeyboardEvent) => void>;

export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) {
    // Radio buttons and checkboxes take no text: digits still pick an outcome when one of them has the focus.
    return !['radio', 'checkbox', 'button', 'submit', 'reset'].includes(target.type);
  }
  return false;
}

/** The name of the shortcut an event stands for, or null when it is none this page should act on. */
export function shortcutOf(event: KeyboardEvent): string | null {
  if (event.defaultPrevented || event.isComposing || event.repeat) return null;
  const mod = event.ctrlKey || event.metaKey;
  const key = event.key.toLowerCase();
  if (mod && !event.altKey && key === 'enter') return 'mod+enter';
  if (mod || event.altKey) return null;
  if (isTypingTarget(event.target)) return null;
  return key;
}

/** Listens on the document while mounted; `enabled` false turns the page's shortcuts off (a dialog is open, say). */
export function useShortcuts(shortcuts: ShortcutMap, enabled = true) {
  const latest = useRef(shortcuts);
  useEffect(() => {
    latest.current = shortcuts;
  });
  useEffect(() => {
    if (!enabled) return;
    const onKeyDown = (event: KeyboardEvent) => {
      const name = shortcutOf(event);
      const action = name === null ? undefined : latest.current[name];
      if (action) {
        event.preventDefault();
        action(event);
      }
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [enabled]);
}
