/** Time left until an instant, as "2 h 05 min", "4 min 09 s" or "expired"; null when there is no instant. */
export function timeLeft(until: unknown, now: number): string | null {
  if (typeof until !== 'string' || until === '') return null;
  const ms = new Date(until).getTime() - now;
  if (Number.isNaN(ms)) return null;
  if (ms <= 0) return 'expired';
  const seconds = Math.floor(ms / 1000);
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  if (hours > 0) return `${String(hours)} h ${pad(minutes)} min`;
  return `${String(minutes)} min ${pad(seconds % 60)} s`;
}
