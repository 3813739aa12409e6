import type { components } from '@/types/api.gen';

type ApprovalField = components['schemas']['ApprovalField'];
type ConditionOperator = components['schemas']['ConditionOperator'];

/** The condition as the form holds it; an empty field means the policy applies to every request of its action. */
export interface ConditionForm {
  field: string;
  op: ConditionOperator;
  value: string;
}

/**
 * The condition as the API takes it: a number field's value as a JSON number (the server compares numbers, and
 * refuses "5" for discountPercent), any other as the text typed. Text that is not a number stays text, so that the
 * server names the field in its answer.
 */
export function conditionToSave(form: ConditionForm, fields: readonly ApprovalField[]) {
  if (form.field === '') return null;
  const kind = fields.find((field) => field.name === form.field)?.kind;
  const text = form.value.trim();
  const asNumber = Number(text);
  const value = kind === 'number' && text !== '' && Number.isFinite(asNumber) ? asNumber : text;
  return { field: form.field, op: form.op, value };
}

/** The form's condition for a stored one (none: no field chosen). */
export function conditionFormOf(condition: { field: string; op: ConditionOperator; value: unknown } | null) {
  if (condition === null) return { field: '', op: 'gt' as ConditionOperator, value: '' };
  const value = condition.value;
  return {
    field: condition.field,
    op: condition.op,
    value: typeof value === 'string' || typeof value === 'number' ? String(value) : '',
  };
}
