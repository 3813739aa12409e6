import { infiniteQueryOptions, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api-client';
import type { components } from '@/types/api.gen';
import { applyUnitEvent } from '../utils/board';

export type Project = components['schemas']['ProjectInfo'];
export type Unit = components['schemas']['UnitInfo'];
export type UnitStatus = components['schemas']['UnitStatus'];
export type UnitHolder = components['schemas']['UnitHolder'];
export type Availability = components['schemas']['ProjectAvailability'];
export type BoardUnit = components['schemas']['BoardUnit'];
export type StatusCounts = components['schemas']['StatusCounts'];
export type UnitFeature = components['schemas']['FeatureOfUnitFeatureProperties'];
export type ProjectFeature = components['schemas']['FeatureOfProjectFeatureProperties'];
export type ApprovalTicket = components['schemas']['ApprovalTicket'];

/** The unit list's filters as the URL carries them; building and floor are not server filters (see unitsQuery). */
export interface UnitFilter {
  projectId?: string;
  status?: string;
  typeCode?: string;
  minPrice?: string;
  maxPrice?: string;
  building?: string;
  floor?: string;
}

export const unitFilterKeys = [
  'projectId',
  'status',
  'typeCode',
  'minPrice',
  'maxPrice',
  'building',
  'floor',
] as const satisfies readonly (keyof UnitFilter)[];

/** The whole world: the map asks for every unit of a project and fits its view to them. */
export const worldBbox = '-180,-90,180,90';

export const projectsQuery = (q: string) =>
  infiniteQueryOptions({
    queryKey: ['inventory', 'projects', q],
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/v1/projects', {
          params: {
            query: {
              limit: 50,
              sort: 'name',
              ...(q ? { q } : {}),
              ...(pageParam ? { cursor: pageParam } : {}),
            },
          },
          signal,
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });

export const projectQuery = (id: string) =>
  queryOptions({
    queryKey: ['inventory', 'project', id],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/projects/{id}', { params: { path: { id } }, signal })),
  });

/**
 * A page of units. The server filters by project, status, type and price; building and floor it does not know,
 * so the page passes them to the list, which leaves out the rows of other buildings and floors.
 */
export const unitsQuery = (filter: UnitFilter) =>
  infiniteQueryOptions({
    queryKey: ['units', 'list', filter],
    queryFn: ({ pageParam, signal }) => {
      const server: Partial<UnitFilter> = { ...filter };
      delete server.building;
      delete server.floor;
      // The generated query type lists only the paging parameters; the filters are read by the handler itself.
      const query = { limit: 100, ...server, ...(pageParam ? { cursor: pageParam } : {}) } as {
        limit: number;
      };
      return unwrap(api.GET('/api/v1/units', { params: { query }, signal }));
    },
    initialPageParam: '',
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });

export const unitQuery = (id: string) =>
  queryOptions({
    queryKey: ['units', 'detail', id],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/units/{id}', { params: { path: { id } }, signal })),
  });

/**
 * The availability board. Its key is not under 'units' on purpose: the app's live sync reads every 'units' query
 * again on each unit event, while the board applies each event to the unit it names (see applyUnitEvent).
 */
export const availabilityQuery = (projectId: string) =>
  queryOptions({
    queryKey: ['inventory', 'availability', projectId],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/projects/{id}/availability', { params: { path: { id: projectId } }, signal })),
  });

export const unitTypesQuery = () =>
  queryOptions({
    queryKey: ['inventory', 'unit-types'],
    queryFn: async ({ signal }) =>
      (await unwrap(api.GET('/api/v1/unit-types', { params: { query: { limit: 200 } }, signal }))).items,
    staleTime: 300_000,
  });

export const mapUnitsQuery = (projectId: string) =>
  queryOptions({
    queryKey: ['units', 'map', projectId],
    queryFn: ({ signal }) => {
      const query = { bbox: worldBbox, projectId, limit: 5000 } as { limit: number };
      return unwrap(api.GET('/api/v1/map/units', { params: { query }, signal }));
    },
  });

export const mapProjectsQuery = () =>
  queryOptions({
    queryKey: ['inventory', 'map', 'projects'],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/map/projects', { params: { query: { bbox: worldBbox, limit: 5000 } }, signal }),
      ),
  });

/** The first 200 open deals and leads, for choosing who holds a unit. */
export const holderChoicesQuery = () =>
  queryOptions({
    queryKey: ['inventory', 'holder-choices'],
    queryFn: async ({ signal }) => {
      const [deals, leads] = await Promise.all([
        unwrap(api.GET('/api/v1/deals', { params: { query: { status: 'open', limit: 200 } }, signal })),
        unwrap(api.GET('/api/v1/leads', { params: { query: { limit: 200 } }, signal })),
      ]);
      return {
        deals: deals.items.map((deal) => ({ id: deal.id, name: deal.title })),
        leads: leads.items.map((lead) => ({ id: lead.id, name: lead.name })),
      };
    },
    staleTime: 60_000,
  });

/** Whether an action was done (the unit as it is now) or waits for approval (the ticket). */
export type UnitActionResult = { done: Unit } | { pending: ApprovalTicket };

function resultOf(answer: Unit | ApprovalTicket): UnitActionResult {
  return 'approvalId' in answer ? { pending: answer } : { done: answer };
}

export type UnitAction =
  | { kind: 'hold'; holder: UnitHolder; holdMinutes: number }
  | { kind: 'reserve'; dealId: string }
  | { kind: 'sell'; dealId: string }
  | { kind: 'release'; reason: string };

function send(id: string, action: UnitAction): Promise<Unit | ApprovalTicket> {
  const path = { path: { id } };
  switch (action.kind) {
    case 'hold':
      return unwrap(
        api.POST('/api/v1/units/{id}/hold', {
          params: path,
          body: {
            holdMinutes: action.holdMinutes,
            ...(action.holder.type === 'deal' ? { dealId: action.holder.id } : { leadId: action.holder.id }),
          },
        }),
      );
    case 'reserve':
      return unwrap(
        api.POST('/api/v1/units/{id}/reserve', { params: path, body: { dealId: action.dealId } }),
      );
    case 'sell':
      return unwrap(api.POST('/api/v1/units/{id}/sell', { params: path, body: { dealId: action.dealId } }));
    case 'release':
      return unwrap(
        api.POST('/api/v1/units/{id}/release', { params: path, body: { reason: action.reason } }),
      );
  }
}

/** Hold, extend, reserve, sell or release a unit; a done action updates the unit's page at once. */
export function useUnitAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ unitId, action }: { unitId: string; action: UnitAction }) =>
      resultOf(await send(unitId, action)),
    onSuccess: (result, { unitId }) => {
      if ('done' in result) {
        const unit = result.done;
        queryClient.setQueryData(unitQuery(unitId).queryKey, unit);
        // The caller's own board shows the change at once, without waiting for its event.
        queryClient.setQueryData(availabilityQuery(unit.projectId).queryKey, (board) =>
          board ? applyUnitEvent(board, unit) : board,
        );
      }
      return queryClient.invalidateQueries({ queryKey: ['timeline', 'unit', unitId] });
    },
  });
}
