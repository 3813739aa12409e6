import { describe, expect, it } from 'vitest';
import { matchesPlace } from './filter';

describe('matchesPlace', () => {
  it('keeps the units of the named building and floor', () => {
    expect(matchesPlace({ building: 'A', floor: 3 }, { building: 'a', floor: '3' })).toBe(true);
    expect(matchesPlace({ building: 'B', floor: 3 }, { building: 'A' })).toBe(false);
    expect(matchesPlace({ building: 'A', floor: null }, { floor: '3' })).toBe(false);
    expect(matchesPlace({ building: null, floor: null }, {})).toBe(true);
  });
});
