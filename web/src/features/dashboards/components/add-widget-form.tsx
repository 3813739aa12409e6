import { useState, type SyntheticEvent } from 'react';
import { Button } from '@/components/button';
import { SelectField, TextField } from '@/components/field';
import { isRecordKind, useRecordOptions, type RecordKind } from '@/lib/record-options';
import type { WidgetType } from '../api/dashboards';
import { paramFieldsOf, type ParamField } from '../utils/params';

/** Picks a widget type from the catalog and fills in its parameters, as the type's schema describes them. */
export function AddWidgetForm({
  catalog,
  onAdd,
  busy,
}: {
  catalog: WidgetType[];
  onAdd: (type: WidgetType, params: Record<string, unknown>) => void;
  busy: boolean;
}) {
  const [typeName, setTypeName] = useState(catalog[0]?.type ?? '');
  const type = catalog.find((t) => t.type === typeName);
  const fields = type ? paramFieldsOf(type.params) : [];
  const [values, setValues] = useState<Record<string, string>>({});

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    if (!type) return;
    const params: Record<string, unknown> = {};
    for (const field of fields) {
      const value = values[`${type.type}.${field.name}`] ?? field.defaultValue;
      if (value === '') continue;
      params[field.name] = field.kind === 'integer' ? Number(value) : value;
    }
    onAdd(type, params);
  };

  return (
    <form onSubmit={submit} aria-label="Add a widget" className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
      <SelectField
        label="Widget"
        value={typeName}
        onChange={(event) => setTypeName(event.target.value)}
        options={catalog.map((t) => ({ value: t.type, label: t.title }))}
      />
      {type &&
        fields.map((field) => (
          <ParamInput
            key={`${type.type}.${field.name}`}
            field={field}
            value={values[`${type.type}.${field.name}`] ?? field.defaultValue}
            onChange={(value) => setValues((old) => ({ ...old, [`${type.type}.${field.name}`]: value }))}
          />
        ))}
      <div className="flex items-end">
        <Button type="submit" disabled={busy || !type}>
          Add to dashboard
        </Button>
      </div>
    </form>
  );
}

function ParamInput({
  field,
  value,
  onChange,
}: {
  field: ParamField;
  value: string;
  onChange: (value: string) => void;
}) {
  switch (field.kind) {
    case 'choice':
      return (
        <SelectField
          label={field.label}
          value={value}
          onChange={(event) => onChange(event.target.value)}
          options={field.choices.map((choice) => ({ value: choice, label: choice.replaceAll('_', ' ') }))}
        />
      );
    case 'integer':
      return (
        <TextField
          label={field.label}
          type="number"
          inputMode="numeric"
          min={field.min}
          max={field.max}
          value={value}
          hint={field.description}
          onChange={(event) => onChange(event.target.value)}
        />
      );
    case 'record':
      return isRecordKind(field.record) ? (
        <RecordInput field={field} kind={field.record} value={value} onChange={onChange} />
      ) : null;
  }
}

function RecordInput({
  field,
  kind,
  value,
  onChange,
}: {
  field: ParamField;
  kind: RecordKind;
  value: string;
  onChange: (value: string) => void;
}) {
  const options = useRecordOptions(kind);
  return (
    <SelectField
      label={field.label}
      value={value}
      onChange={(event) => onChange(event.target.value)}
      options={[{ value: '', label: options.isPending ? 'Loading…' : 'All' }, ...(options.data ?? [])]}
    />
  );
}
