import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useId, useState, type KeyboardEvent } from 'react';
import { useNavigate } from 'react-router';
import { searchEverything, type SearchResult } from './search-results';

const kinds = ['Leads', 'Contacts', 'Companies', 'Deals'] as const;

/**
 * The top bar's search: a combobox (ARIA 1.2 pattern) over leads, contacts, companies and deals. Arrow keys move
 * through the results, Enter opens the highlighted one (or, with none highlighted, the lead list filtered by the
 * text), Escape closes the list.
 */
export function GlobalSearch() {
  const navigate = useNavigate();
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const listId = useId();
  const inputId = useId();

  useEffect(() => {
    const timer = window.setTimeout(() => setQ(text.trim()), 200);
    return () => window.clearTimeout(timer);
  }, [text]);

  const search = useQuery({
    queryKey: ['search', q],
    queryFn: ({ signal }) => searchEverything(q, signal),
    enabled: q.length >= 2,
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });
  const results: SearchResult[] = q.length >= 2 ? (search.data ?? []) : [];
  const expanded = open && q.length >= 2;

  const go = (href: string) => {
    setOpen(false);
    setActive(-1);
    setText('');
    void navigate(href);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        setOpen(true);
        setActive((index) => (results.length === 0 ? -1 : (index + 1) % results.length));
        break;
      case 'ArrowUp':
        event.preventDefault();
        setOpen(true);
        setActive((index) => (results.length === 0 ? -1 : (index <= 0 ? results.length : index) - 1));
        break;
      case 'Enter': {
        event.preventDefault();
        const chosen = expanded && active >= 0 ? results[active] : undefined;
        if (chosen) go(chosen.href);
        else if (text.trim()) {
          setOpen(false);
          void navigate(`/app/leads?${new URLSearchParams({ q: text.trim() }).toString()}`);
        }
        break;
      }
      case 'Escape':
        if (expanded) {
          event.preventDefault();
          setOpen(false);
          setActive(-1);
        } else {
          setText('');
        }
        break;
    }
  };

  const optionId = (index: number) => `${listId}-option-${index}`;
  const activeResult = expanded && active >= 0 ? results[active] : undefined;

  return (
    <div role="search" className="relative flex-1">
      <label htmlFor={inputId} className="sr-only">
        Search
      </label>
      <input
        id={inputId}
        type="text"
        role="combobox"
        autoComplete="off"
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-activedescendant={activeResult ? optionId(active) : undefined}
        placeholder="Search leads, contacts, companies, deals"
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          setOpen(true);
          setActive(-1);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={onKeyDown}
        className="w-full max-w-md rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm dark:border-slate-600 dark:bg-slate-800"
      />
      <div
        id={listId}
        role="listbox"
        aria-label="Search results"
        hidden={!expanded}
        className="absolute z-20 mt-1 max-h-96 w-full max-w-md overflow-auto rounded-md bg-white py-1 text-sm shadow-lg ring-1 ring-black/10 dark:bg-slate-800"
      >
        {expanded && results.length === 0 && (
          <p className="px-3 py-2 text-slate-600 dark:text-slate-300">
            {search.isFetching ? 'Searching…' : 'Nothing found. Press Enter to search the leads.'}
          </p>
        )}
        {kinds.map((kind) => {
          const ofKind = results
            .map((result, index) => ({ result, index }))
            .filter((r) => r.result.kind === kind);
          if (ofKind.length === 0) return null;
          return (
            <div key={kind} role="group" aria-labelledby={`${listId}-${kind}`}>
              <p
                id={`${listId}-${kind}`}
                role="presentation"
                className="px-3 pt-2 pb-1 text-xs font-semibold tracking-wide text-slate-600 uppercase dark:text-slate-300"
              >
                {kind}
              </p>
              {ofKind.map(({ result, index }) => (
                <div
                  key={result.id}
                  id={optionId(index)}
                  role="option"
                  aria-selected={index === active}
                  tabIndex={-1}
                  // mousedown, not click: it comes before the input's blur closes the list.
                  onMouseDown={(event) => {
                    event.preventDefault();
                    go(result.href);
                  }}
                  onMouseEnter={() => setActive(index)}
                  className={`cursor-pointer px-3 py-1.5 ${index === active ? 'bg-indigo-100 dark:bg-indigo-900' : ''}`}
                >
                  <span className="font-medium">{result.label}</span>
                  {result.detail && (
                    <span className="ml-2 text-slate-600 dark:text-slate-300">{result.detail}</span>
                  )}
                </div>
              ))}
            </div>
          );
        })}
      </div>
    </div>
  );
}
