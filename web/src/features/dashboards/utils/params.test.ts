import { describe, expect, it } from 'vitest';
import { paramFieldsOf } from './params';

describe('paramFieldsOf', () => {
  it('turns the catalog schema into choice, number and record fields with their defaults', () => {
    const fields = paramFieldsOf({
      type: 'object',
      properties: {
        metric: { type: 'string', enum: ['calls', 'won_value'], default: 'calls', description: 'Ranked by' },
        periodDays: { type: 'integer', minimum: 1, maximum: 366, default: 30 },
        groupId: { type: 'string', format: 'uuid', 'x-record': 'group' },
        odd: { type: 'boolean' },
      },
    });
    expect(fields).toEqual([
      {
        name: 'metric',
        label: 'Figure',
        description: 'Ranked by',
        defaultValue: 'calls',
        kind: 'choice',
        choices: ['calls', 'won_value'],
      },
      {
        name: 'periodDays',
        label: 'Days back',
        description: undefined,
        defaultValue: '30',
        kind: 'integer',
        min: 1,
        max: 366,
      },
      {
        name: 'groupId',
        label: 'Group',
        description: undefined,
        defaultValue: '',
        kind: 'record',
        record: 'group',
      },
    ]);
  });

  it('has no fields for a type without parameters', () => {
    expect(paramFieldsOf({ type: 'object', properties: {} })).toEqual([]);
    expect(paramFieldsOf(null)).toEqual([]);
  });
});
