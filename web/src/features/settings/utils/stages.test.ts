import { describe, expect, it } from 'vitest';
import { stageRowsOf, stagesToSave } from './stages';

describe('pipeline stage rows', () => {
  it('lists stored stages in their order, keeping their ids', () => {
    const rows = stageRowsOf([
      { id: 'b', name: 'Won', order: 2, probability: 100 },
      { id: 'a', name: 'New', order: 1, probability: 10 },
    ]);
    expect(rows.map((row) => row.name)).toEqual(['New', 'Won']);
    expect(stagesToSave(rows)).toEqual([
      { id: 'a', name: 'New', order: 1, probability: 10 },
      { id: 'b', name: 'Won', order: 2, probability: 100 },
    ]);
  });

  it('puts a new stage after the last one, without an id', () => {
    const existing = stageRowsOf([{ id: 'a', name: 'New', order: 5, probability: 10 }]);
    const [added] = stageRowsOf([], existing);
    expect(added).toMatchObject({ id: null, order: '6', probability: '' });
    expect(stagesToSave([{ ...added!, name: ' Viewing ' }])).toEqual([
      { name: 'Viewing', order: 6, probability: null },
    ]);
  });
});
