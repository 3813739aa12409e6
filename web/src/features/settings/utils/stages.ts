import type { components } from '@/types/api.gen';

type Stage = components['schemas']['PipelineStage'];
type StageRequest = components['schemas']['StageRequest'];

/** A stage as its form row holds it: text as typed, and the stored id (none for a stage added here). */
export interface StageRow {
  key: string;
  id: string | null;
  name: string;
  order: string;
  probability: string;
}

let added = 0;

/**
 * The rows for a pipeline's stages in their order; with no stages, one empty row that follows `after` (its order
 * one step past the last row's, so a new stage lands at the end unless the user says otherwise).
 */
export function stageRowsOf(stages: readonly Stage[], after: readonly StageRow[] = []): StageRow[] {
  if (stages.length > 0) {
    return [...stages]
      .sort((a, b) => Number(a.order) - Number(b.order))
      .map((stage) => ({
        key: stage.id,
        id: stage.id,
        name: stage.name,
        order: String(stage.order),
        probability: String(stage.probability),
      }));
  }
  const last = Math.max(0, ...after.map((row) => Number(row.order) || 0));
  added += 1;
  return [{ key: `new-${String(added)}`, id: null, name: '', order: String(last + 1), probability: '' }];
}

/** The stages as the API takes them: a stage kept keeps its id (its deals stay in it); blank numbers are left out. */
export function stagesToSave(rows: readonly StageRow[]): StageRequest[] {
  const number = (text: string) => (text.trim() === '' ? null : Number(text));
  return rows.map((row) => ({
    ...(row.id !== null ? { id: row.id } : {}),
    name: row.name.trim(),
    order: number(row.order),
    probability: number(row.probability),
  }));
}
