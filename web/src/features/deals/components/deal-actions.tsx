import { useEffect, useRef, useState, type SyntheticEvent } from 'react';
import { Button } from '@/components/button';
import { TextField } from '@/components/field';
import { fieldError, FormAlert } from '@/components/form-alert';
import { useDiscountDeal, useLoseDeal, useWinDeal, type Deal } from '../api/deals';

/**
 * Win, lose and discount an open deal. Win and discount may be held for approval (202): the page then shows the
 * request as awaiting approval, and the deal stays as it was until it is decided.
 */
export function DealActions({
  deal,
  startLosing = false,
  onPending,
}: {
  deal: Deal;
  /** Opens with the reason asked for (the board's "Mark lost…" comes here). */
  startLosing?: boolean;
  /** Called when an action was held for approval: what was asked, and the request's id. */
  onPending: (request: { message: string; approvalId: string }) => void;
}) {
  const win = useWinDeal();
  const lose = useLoseDeal();
  const discount = useDiscountDeal();
  const [losing, setLosing] = useState(startLosing);
  const reasonBox = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (startLosing) reasonBox.current?.querySelector('input')?.focus();
  }, [startLosing]);
  const [reason, setReason] = useState('');
  const [percent, setPercent] = useState(String(deal.discountPercent));

  const submitLoss = (event: SyntheticEvent) => {
    event.preventDefault();
    lose.mutate({ deal, input: reason.trim() }, { onSuccess: () => setLosing(false) });
  };
  const submitDiscount = (event: SyntheticEvent) => {
    event.preventDefault();
    discount.mutate(
      { deal, input: percent.trim() === '' ? Number.NaN : Number(percent) },
      {
        onSuccess: (result) => {
          if ('pending' in result)
            onPending({
              message: `A discount of ${percent}% was sent for approval.`,
              approvalId: result.pending.approvalId,
            });
        },
      },
    );
  };

  return (
    <div className="max-w-2xl space-y-6">
      <FormAlert error={win.error} fields={[]} />
      <div className="flex gap-3">
        <Button
          disabled={win.isPending}
          onClick={() =>
            win.mutate(
              { deal, input: null },
              {
                onSuccess: (result) => {
                  if ('pending' in result)
                    onPending({
                      message: 'Winning this deal was sent for approval.',
                      approvalId: result.pending.approvalId,
                    });
                },
              },
            )
          }
        >
          Mark won
        </Button>
        <Button variant="secondary" aria-expanded={losing} onClick={() => setLosing((open) => !open)}>
          Mark lost
        </Button>
      </div>
      {losing && (
        <form onSubmit={submitLoss} className="space-y-3" noValidate aria-label="Lose the deal">
          <FormAlert error={lose.error} fields={['reason']} />
          <div ref={reasonBox}>
            <TextField
              label="Reason for losing"
              name="reason"
              required
              value={reason}
              onChange={(event) => setReason(event.target.value)}
              error={fieldError(lose.error, 'reason')}
            />
          </div>
          <Button type="submit" disabled={lose.isPending}>
            Confirm lost
          </Button>
        </form>
      )}
      <form onSubmit={submitDiscount} className="flex items-end gap-3" noValidate aria-label="Discount">
        <div className="w-40">
          <TextField
            label="Discount (%)"
            name="discountPercent"
            inputMode="decimal"
            value={percent}
            onChange={(event) => setPercent(event.target.value)}
            error={fieldError(discount.error, 'discountPercent')}
          />
        </div>
        <Button type="submit" variant="secondary" disabled={discount.isPending}>
          Set discount
        </Button>
      </form>
      <FormAlert error={discount.error} fields={['discountPercent']} />
    </div>
  );
}
