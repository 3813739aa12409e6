import { describe, expect, it } from 'vitest';
import { matchPage } from './first-reads';

describe('matchPage', () => {
  it('gives the parameters of the page at the address', () => {
    expect(matchPage('/app/inventory/projects/:id/board', '/app/inventory/projects/p%201/board')).toEqual({
      id: 'p 1',
    });
    expect(matchPage('/app/inventory/projects/:id/board', '/app/inventory/projects/p1/board/')).toEqual({
      id: 'p1',
    });
  });

  it('does not take another page for it', () => {
    expect(matchPage('/app/inventory/projects/:id/board', '/app/inventory/projects/p1/map')).toBeNull();
    expect(matchPage('/app/inventory/projects/:id/board', '/app/inventory/projects/p1')).toBeNull();
    expect(matchPage('/app/inventory/projects/:id/board', '/app/inventory/projects/p1/board/x')).toBeNull();
  });
});
