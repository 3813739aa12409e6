import { useState } from 'react';

type Versioned = { id: string; version: number | string };

/**
 * Which record of a settings list is open in its editor: a new one, an existing one, or none. `editor` is what the
 * open editor needs; spread its `actions` into the editor's props. Its key holds the version so that a record reloaded after a conflict remounts the form with
 * the fresh values; `onReload` refetches the list and reopens the same record (or closes it when it is gone).
 */
export function useEditing<T extends Versioned>(refetch: () => Promise<{ data?: readonly T[] | undefined }>) {
  const [editing, setEditing] = useState<T | 'new' | null>(null);
  const editor =
    editing === null
      ? null
      : {
          key: editing === 'new' ? 'new' : `${editing.id}:${String(editing.version)}`,
          record: editing === 'new' ? undefined : editing,
          actions: {
            onDone: () => setEditing(null),
            onReload: () =>
              void refetch().then(({ data }) => {
                setEditing(data?.find((r) => editing !== 'new' && r.id === editing.id) ?? null);
              }),
          },
        };
  return { editor, startNew: () => setEditing('new'), edit: (record: T) => setEditing(record) };
}
