import type { components } from '@/types/api.gen';

type Entry = components['schemas']['TimelineEntry'];

const words: Record<string, string> = {
  'deal.created': 'Deal created',
  'deal.updated': 'Deal changed',
  'deal.won': 'Won',
  'deal.lost': 'Lost',
  'deal.discount': 'Discount asked for',
  'deal.win': 'Win asked for',
};

function change(data: unknown, field: string): { before: unknown; after: unknown } | null {
  if (typeof data !== 'object' || data === null || !(field in data)) return null;
  const value = (data as Record<string, unknown>)[field];
  return typeof value === 'object' && value !== null && 'after' in value
    ? (value as { before: unknown; after: unknown })
    : null;
}

/**
 * One line for a timeline entry of a deal. A stage move names the stages (the entry's data holds their ids, as
 * `{ stageId: { before, after } }`); anything else is named by its type.
 */
export function describeDealEntry(entry: Entry, stageName: (id: string) => string | undefined): string {
  if (entry.type === 'deal.stage_changed') {
    const stage = change(entry.data, 'stageId');
    const from = typeof stage?.before === 'string' ? stageName(stage.before) : undefined;
    const to = typeof stage?.after === 'string' ? stageName(stage.after) : undefined;
    if (from && to) return `Moved from ${from} to ${to}`;
    if (to) return `Moved to ${to}`;
    return 'Moved to another stage';
  }
  if (entry.type === 'deal.updated') {
    const discount = change(entry.data, 'discountPercent');
    if (discount) return `Discount set to ${String(discount.after)}%`;
  }
  const known = words[entry.type];
  if (known) return entry.kind === 'approval' ? `${known} (approval)` : known;
  return entry.type.replaceAll('_', ' ').replaceAll('.', ' ');
}
