import type { Approval } from '../api/approvals';

const actionNames: Record<string, string> = {
  'deal.discount': 'Deal discount',
  'deal.win': 'Win a deal',
  'unit.reserve': 'Reserve a unit',
  'unit.sell': 'Sell a unit',
  'unit.price_change': 'Change a unit price',
  'lead.reassign': 'Reassign a lead',
};

/** An action's name for people: "Deal discount" for deal.discount; an action this list does not know, as sent. */
export function actionName(action: string): string {
  return actionNames[action] ?? action;
}

const fieldNames: Record<string, string> = {
  discountPercent: 'Discount asked for',
  previousDiscountPercent: 'Discount now',
  value: 'Deal value',
  currency: 'Currency',
  price: 'Price',
  listPrice: 'List price asked for',
  previousPrice: 'List price now',
  changePercent: 'Change',
  typeCode: 'Unit type',
  source: 'Lead source',
  status: 'Lead status',
};

const percentFields = new Set(['discountPercent', 'previousDiscountPercent', 'changePercent']);

/**
 * The input of a request as label and value, in the order the server sent it. Ids are left out: the subject's
 * link names the record, and a bare id tells a reader nothing.
 */
export function describeInput(input: unknown): { label: string; value: string }[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return [];
  return Object.entries(input as Record<string, unknown>)
    .filter(([key, value]) => !/Ids?$/.test(key) && value !== null && typeof value !== 'object')
    .map(([key, value]) => ({
      label: fieldNames[key] ?? key,
      value: percentFields.has(key) ? `${String(value)}%` : String(value),
    }));
}

/** The page of the record a request is about, when the app has one. */
export function subjectPath(subject: Approval['subject']): string | null {
  switch (subject.type) {
    case 'deal':
      return `/app/deals/${subject.id}`;
    case 'lead':
      return `/app/leads/${subject.id}`;
    case 'unit':
      return `/app/inventory/units/${subject.id}`;
    default:
      return null;
  }
}

/**
 * Whether the caller may approve or reject now: the request is pending, they are one of its approvers, they did
 * not ask for it (no one approves their own request) and have not decided a level of it already (each level needs
 * a different approver). The server checks the same; this only decides whether to offer the buttons.
 */
export function canDecide(approval: Approval, userId: string | undefined): boolean {
  if (!userId || approval.status !== 'pending') return false;
  if (approval.requestedBy === userId) return false;
  if (!approval.approverIds.includes(userId)) return false;
  return !approval.decisions.some((decision) => decision.userId === userId);
}

/** Whether the caller may withdraw the request: their own, still pending. */
export function canCancel(approval: Approval, userId: string | undefined): boolean {
  return !!userId && approval.status === 'pending' && approval.requestedBy === userId;
}

export const statusNames: Record<Approval['status'], string> = {
  pending: 'Pending',
  approved: 'Approved',
  rejected: 'Rejected',
  expired: 'Expired',
  cancelled: 'Cancelled',
};
