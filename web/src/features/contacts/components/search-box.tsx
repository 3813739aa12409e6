import { useEffect, useState } from 'react';
import { TextField } from '@/components/field';

/** A list's search box: it applies once typing pauses, and follows the URL when that changes from outside. */
export function SearchBox({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string;
  onChange: (q: string) => void;
}) {
  const [q, setQ] = useState(value);
  const [applied, setApplied] = useState(value);
  if (value !== applied) {
    setApplied(value);
    setQ(value);
  }

  useEffect(() => {
    if (q === value) return;
    const timer = window.setTimeout(() => onChange(q), 300);
    return () => window.clearTimeout(timer);
  }, [q, value, onChange]);

  return (
    <form
      role="search"
      aria-label={label}
      className="max-w-md"
      onSubmit={(event) => {
        event.preventDefault();
        onChange(q);
      }}
    >
      <TextField
        label={label}
        name="q"
        type="search"
        value={q}
        onChange={(event) => setQ(event.target.value)}
      />
    </form>
  );
}
