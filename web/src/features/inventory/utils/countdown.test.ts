import { describe, expect, it } from 'vitest';
import { timeLeft } from './countdown';

describe('timeLeft', () => {
  const now = Date.parse('2030-01-01T00:00:00Z');
  it('shows hours and minutes, or minutes and seconds, or that it expired', () => {
    expect(timeLeft('2030-01-01T02:05:30Z', now)).toBe('2 h 05 min');
    expect(timeLeft('2030-01-01T00:04:09Z', now)).toBe('4 min 09 s');
    expect(timeLeft('2029-12-31T23:59:00Z', now)).toBe('expired');
    expect(timeLeft(null, now)).toBeNull();
  });
});
