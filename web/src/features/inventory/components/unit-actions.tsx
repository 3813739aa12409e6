import { useQuery } from '@tanstack/react-query';
import { useState, type SyntheticEvent } from 'react';
import { Link } from 'react-router';
import { Button } from '@/components/button';
import { SelectField, TextField } from '@/components/field';
import { fieldError, FormAlert } from '@/components/form-alert';
import { holderChoicesQuery, useUnitAction, type Unit, type UnitAction } from '../api/inventory';

const formClass = 'space-y-3 rounded-md border border-slate-200 p-3 dark:border-slate-700';

/**
 * Hold, extend, reserve, sell and release a unit. Extending is holding again by the same holder (the server then
 * moves the hold's end). Reserve and sell may be held back by an approval policy (202): the answer links the request.
 */
export function UnitActions({ unit }: { unit: Unit }) {
  const action = useUnitAction();
  const choices = useQuery(holderChoicesQuery());
  const [pendingApproval, setPendingApproval] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const heldDeal = unit.heldBy?.type === 'deal' ? unit.heldBy.id : '';
  const [holder, setHolder] = useState('');
  const [minutes, setMinutes] = useState('60');
  const [dealId, setDealId] = useState(heldDeal);
  const [reason, setReason] = useState('');

  const deals = choices.data?.deals ?? [];
  const leads = choices.data?.leads ?? [];
  const dealOptions = [
    { value: '', label: 'Choose a deal' },
    ...deals.map((d) => ({ value: d.id, label: d.name })),
  ];

  const run = (input: UnitAction, message: string) => {
    setPendingApproval(null);
    setDone(null);
    action.mutate(
      { unitId: unit.id, action: input },
      {
        onSuccess: (result) => {
          if ('pending' in result) setPendingApproval(result.pending.approvalId);
          else setDone(message);
        },
      },
    );
  };
  const holdMinutes = () => (minutes.trim() === '' ? Number.NaN : Number(minutes));

  const submitHold = (event: SyntheticEvent) => {
    event.preventDefault();
    const [type, id] = holder.split(':');
    run(
      {
        kind: 'hold',
        holder: { type: type === 'lead' ? 'lead' : 'deal', id: id ?? '' },
        holdMinutes: holdMinutes(),
      },
      'The unit is on hold.',
    );
  };
  const submitExtend = (event: SyntheticEvent) => {
    event.preventDefault();
    if (unit.heldBy)
      run({ kind: 'hold', holder: unit.heldBy, holdMinutes: holdMinutes() }, 'The hold was extended.');
  };
  const submitDeal = (kind: 'reserve' | 'sell') => (event: SyntheticEvent) => {
    event.preventDefault();
    run({ kind, dealId }, kind === 'reserve' ? 'The unit is reserved.' : 'The unit is sold.');
  };
  const submitRelease = (event: SyntheticEvent) => {
    event.preventDefault();
    run({ kind: 'release', reason: reason.trim() }, 'The unit is available again.');
  };

  const minutesField = (
    <TextField
      label="Hold for (minutes)"
      name="holdMinutes"
      inputMode="numeric"
      value={minutes}
      onChange={(event) => setMinutes(event.target.value)}
      error={fieldError(action.error, 'holdMinutes')}
    />
  );

  return (
    <div className="space-y-4">
      <FormAlert error={action.error} fields={['holdMinutes', 'dealId', 'leadId', 'reason']} />
      {pendingApproval && (
        <div
          role="status"
          className="rounded-md border border-indigo-300 bg-indigo-50 p-3 text-sm text-indigo-900 dark:border-indigo-700 dark:bg-indigo-950 dark:text-indigo-100"
        >
          <p className="font-semibold">Sent for approval</p>
          <p>
            Nothing changes until it is approved.{' '}
            <Link className="underline" to={`/app/approvals/${pendingApproval}`}>
              See the approval request
            </Link>
          </p>
        </div>
      )}
      {done && (
        <p role="status" className="text-sm text-emerald-800 dark:text-emerald-300">
          {done}
        </p>
      )}
      <FormAlert error={choices.error} fields={[]} />

      {unit.status === 'available' && (
        <form onSubmit={submitHold} className={formClass} noValidate aria-label="Hold the unit">
          <SelectField
            label="Held for"
            name="holder"
            value={holder}
            onChange={(event) => setHolder(event.target.value)}
            error={fieldError(action.error, 'dealId') ?? fieldError(action.error, 'leadId')}
            options={[
              { value: '', label: 'Choose a deal or lead' },
              ...deals.map((d) => ({ value: `deal:${d.id}`, label: `Deal: ${d.name}` })),
              ...leads.map((l) => ({ value: `lead:${l.id}`, label: `Lead: ${l.name}` })),
            ]}
          />
          {minutesField}
          <Button type="submit" disabled={action.isPending}>
            Hold
          </Button>
        </form>
      )}

      {unit.status === 'on_hold' && unit.heldBy && (
        <form onSubmit={submitExtend} className={formClass} noValidate aria-label="Extend the hold">
          {minutesField}
          <p className="text-xs text-slate-600 dark:text-slate-400">
            The hold then ends this many minutes from now.
          </p>
          <Button type="submit" disabled={action.isPending}>
            Extend hold
          </Button>
        </form>
      )}

      {unit.status !== 'sold' && (
        <form className={formClass} noValidate aria-label="Reserve or sell">
          <SelectField
            label="Deal"
            name="dealId"
            value={dealId}
            onChange={(event) => setDealId(event.target.value)}
            error={fieldError(action.error, 'dealId')}
            options={dealOptions}
          />
          <div className="flex gap-3">
            {unit.status !== 'reserved' && (
              <Button type="submit" onClick={submitDeal('reserve')} disabled={action.isPending}>
                Reserve
              </Button>
            )}
            <Button
              type="submit"
              variant="secondary"
              onClick={submitDeal('sell')}
              disabled={action.isPending}
            >
              Sell
            </Button>
          </div>
        </form>
      )}

      {(unit.status === 'on_hold' || unit.status === 'reserved') && (
        <form onSubmit={submitRelease} className={formClass} noValidate aria-label="Release the unit">
          <TextField
            label="Reason for releasing"
            name="reason"
            value={reason}
            onChange={(event) => setReason(event.target.value)}
            error={fieldError(action.error, 'reason')}
          />
          <Button type="submit" variant="secondary" disabled={action.isPending}>
            Release
          </Button>
        </form>
      )}
    </div>
  );
}
