import { useQueryClient } from '@tanstack/react-query';
import { useLiveEvents } from '@/lib/use-live';
import { applyUnitEvent, unitStatusEvent } from '../utils/board';
import { availabilityQuery } from './inventory';

const statusEvents = ['unit.status_changed', 'unit.hold_extended'] as const;
const shapeEvents = ['unit.created', 'unit.updated'] as const;
const boardEvents = [...statusEvents, ...shapeEvents];

/**
 * Keeps a project's board in step with the live stream. A status change or extended hold is applied to the board
 * in memory (the unit it names, nothing read again); a unit created or changed (it may have moved floor) reads the
 * board again. A stream that opens without resuming is the shell's live sync's: it reads the board again if it was
 * read before the stream is current from.
 */
export function useLiveBoard(projectId: string) {
  const queryClient = useQueryClient();
  const key = availabilityQuery(projectId).queryKey;
  useLiveEvents(boardEvents, (event) => {
    if ((statusEvents as readonly string[]).includes(event.type)) {
      const change = unitStatusEvent(event.data);
      if (change && change.projectId === projectId) {
        queryClient.setQueryData(key, (board) => (board ? applyUnitEvent(board, change) : board));
      }
      return;
    }
    const data = event.data as { projectId?: unknown } | undefined;
    if (data?.projectId === projectId) void queryClient.invalidateQueries({ queryKey: key });
  });
}
