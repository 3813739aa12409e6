import type { components } from '@/types/api.gen';

type Stage = components['schemas']['PipelineStage'];
type Deal = components['schemas']['DealInfo'];

export interface BoardColumn {
  stage: Stage;
  deals: Deal[];
}

/**
 * The board's columns: the pipeline's stages in their order, each with its deals (in the order given). A deal whose
 * stage the pipeline no longer has (changed in another tab) is left out rather than shown in a wrong column.
 */
export function groupByStage(stages: readonly Stage[], deals: readonly Deal[]): BoardColumn[] {
  const columns = [...stages]
    .sort((a, b) => Number(a.order) - Number(b.order))
    .map((stage) => ({ stage, deals: [] as Deal[] }));
  const byId = new Map(columns.map((column) => [column.stage.id, column]));
  for (const deal of deals) byId.get(deal.stageId)?.deals.push(deal);
  return columns;
}

/** The deals with one moved to another stage: what the board shows while the server has not answered yet. */
export function withDealMoved(deals: readonly Deal[], dealId: string, stageId: string): Deal[] {
  return deals.map((deal) => (deal.id === dealId ? { ...deal, stageId } : deal));
}

/** The deals with one replaced by the server's answer, or left out when it no longer belongs on this board. */
export function withDealSaved(deals: readonly Deal[], saved: Deal, status: string): Deal[] {
  return deals.flatMap((deal) => (deal.id !== saved.id ? [deal] : saved.status === status ? [saved] : []));
}
