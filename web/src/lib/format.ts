/** Money as the contract carries it: a decimal amount (a number or its string) in an ISO 4217 currency. */
export interface MoneyValue {
  amount: number | string;
  currency: string;
}

/** An amount in its currency, in the browser's locale; an unknown currency code still shows as "amount CODE". */
export function formatMoney(money: MoneyValue | null | undefined): string {
  if (!money) return '—';
  const amount = Number(money.amount);
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency: money.currency }).format(amount);
  } catch {
    return `${String(money.amount)} ${money.currency}`;
  }
}

/** A date-time from the API (ISO 8601 in UTC), in the browser's locale and time zone. */
export function formatDateTime(value: unknown): string {
  return typeof value === 'string' && value !== '' ? new Date(value).toLocaleString() : '—';
}

export function formatDate(value: unknown): string {
  return typeof value === 'string' && value !== '' ? new Date(value).toLocaleDateString() : '—';
}

/** The value a `datetime-local` input shows for an instant, in the browser's time zone. */
export function toLocalInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
