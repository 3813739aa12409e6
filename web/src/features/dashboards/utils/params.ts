/** A widget parameter as the catalog's JSON Schema describes it, ready for a form field. */
export type ParamField = {
  name: string;
  label: string;
  description: string | undefined;
  defaultValue: string;
} & (
  | { kind: 'choice'; choices: string[] }
  | { kind: 'integer'; min: number | undefined; max: number | undefined }
  | { kind: 'record'; record: string }
);

const labels: Record<string, string> = {
  pipelineId: 'Pipeline',
  projectId: 'Project',
  groupId: 'Group',
  periodDays: 'Days back',
  metric: 'Figure',
  limit: 'Agents shown',
  days: 'Due within (days)',
};

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The form fields for a widget type's parameters schema (`{ type: object, properties }`); unknown kinds are left out. */
export function paramFieldsOf(schema: unknown): ParamField[] {
  if (!isObject(schema) || !isObject(schema.properties)) return [];
  const fields: ParamField[] = [];
  for (const [name, property] of Object.entries(schema.properties)) {
    if (!isObject(property)) continue;
    const common = {
      name,
      label: labels[name] ?? name,
      description: typeof property.description === 'string' ? property.description : undefined,
      defaultValue:
        typeof property.default === 'string' || typeof property.default === 'number'
          ? String(property.default)
          : '',
    };
    if (Array.isArray(property.enum)) {
      const choices = property.enum.filter((c): c is string => typeof c === 'string');
      fields.push({
        ...common,
        kind: 'choice',
        choices,
        defaultValue: common.defaultValue || (choices[0] ?? ''),
      });
    } else if (property.type === 'integer') {
      fields.push({
        ...common,
        kind: 'integer',
        min: typeof property.minimum === 'number' ? property.minimum : undefined,
        max: typeof property.maximum === 'number' ? property.maximum : undefined,
      });
    } else if (property.type === 'string' && typeof property['x-record'] === 'string') {
      fields.push({ ...common, kind: 'record', record: property['x-record'] });
    }
  }
  return fields;
}
