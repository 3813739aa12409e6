import { useEffect, useState } from 'react';
import { SelectField, TextField } from '@/components/field';
import { useGroups, useLeadSources, useLeadStatuses, useOwners, type LeadFilter } from '../api/leads';

/** Status, source, owner and group filters and the search box; the search applies once typing pauses. */
export function LeadFilters({
  filter,
  onChange,
}: {
  filter: LeadFilter;
  onChange: (next: LeadFilter) => void;
}) {
  const statuses = useLeadStatuses();
  const sources = useLeadSources();
  const owners = useOwners();
  const groups = useGroups();
  const [q, setQ] = useState(filter.q ?? '');
  // The URL's search changes from outside too (the top bar's search, the back button): the box follows it.
  const [appliedQ, setAppliedQ] = useState(filter.q ?? '');
  if ((filter.q ?? '') !== appliedQ) {
    setAppliedQ(filter.q ?? '');
    setQ(filter.q ?? '');
  }

  useEffect(() => {
    if (q === (filter.q ?? '')) return;
    const timer = window.setTimeout(() => onChange({ ...filter, q }), 300);
    return () => window.clearTimeout(timer);
  }, [q, filter, onChange]);

  const any = { value: '', label: 'Any' };
  return (
    <form
      role="search"
      aria-label="Filter leads"
      className="grid gap-4 sm:grid-cols-5"
      onSubmit={(event) => {
        event.preventDefault();
        onChange({ ...filter, q });
      }}
    >
      <TextField
        label="Search leads"
        name="q"
        type="search"
        value={q}
        onChange={(event) => setQ(event.target.value)}
      />
      <SelectField
        label="Status"
        name="status"
        value={filter.status ?? ''}
        onChange={(event) => onChange({ ...filter, status: event.target.value })}
        options={[any, ...(statuses.data ?? []).map((s) => ({ value: s.key, label: s.name }))]}
      />
      <SelectField
        label="Source"
        name="source"
        value={filter.source ?? ''}
        onChange={(event) => onChange({ ...filter, source: event.target.value })}
        options={[any, ...(sources.data ?? []).map((s) => ({ value: s.key, label: s.name }))]}
      />
      <SelectField
        label="Owner"
        name="ownerId"
        value={filter.ownerId ?? ''}
        onChange={(event) => onChange({ ...filter, ownerId: event.target.value })}
        options={[any, ...(owners.data ?? []).map((u) => ({ value: u.id, label: u.name }))]}
      />
      <SelectField
        label="Group"
        name="groupId"
        value={filter.groupId ?? ''}
        onChange={(event) => onChange({ ...filter, groupId: event.target.value })}
        options={[any, ...(groups.data ?? []).map((g) => ({ value: g.id, label: g.name }))]}
      />
    </form>
  );
}
