import { describe, expect, it } from 'vitest';
import { conditionFormOf, conditionToSave } from './condition';

const fields = [
  { name: 'discountPercent', kind: 'number' as const, meaning: 'The discount asked for.' },
  { name: 'currency', kind: 'text' as const, meaning: 'The currency.' },
];

describe('approval policy conditions', () => {
  it('sends a number field as a number', () => {
    expect(conditionToSave({ field: 'discountPercent', op: 'gt', value: ' 5 ' }, fields)).toEqual({
      field: 'discountPercent',
      op: 'gt',
      value: 5,
    });
  });

  it('sends a word as text, and a number field that is not a number as typed for the server to name', () => {
    expect(conditionToSave({ field: 'currency', op: 'eq', value: 'USD' }, fields)?.value).toBe('USD');
    expect(conditionToSave({ field: 'discountPercent', op: 'gt', value: 'five' }, fields)?.value).toBe(
      'five',
    );
  });

  it('has no condition without a field, and reads a stored one back', () => {
    expect(conditionToSave({ field: '', op: 'gt', value: '5' }, fields)).toBeNull();
    expect(conditionFormOf({ field: 'discountPercent', op: 'gte', value: 7.5 })).toEqual({
      field: 'discountPercent',
      op: 'gte',
      value: '7.5',
    });
    expect(conditionFormOf(null).field).toBe('');
  });
});
