import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { board, heldEvent, unit as unitOn } from '../testing/board-fixtures';
import { applyUnitEvent } from '../utils/board';
import { AvailabilityBoard } from './availability-board';

/** A unit of building A. */
const unit = (code: string, floor: number, status?: Parameters<typeof unitOn>[3]) =>
  unitOn(code, 'A', floor, status);

describe('AvailabilityBoard', () => {
  it('shows each unit as a button named by its code and status, in a group per floor', () => {
    render(
      <AvailabilityBoard
        availability={board([unit('A-1', 1), unit('A-2', 1), unit('A-9', 2, 'sold')])}
        selectedId="id-A-2"
        onSelect={() => undefined}
      />,
    );
    const floor1 = screen.getByRole('group', { name: 'Building A, Floor 1' });
    expect(
      within(floor1)
        .getAllByRole('button')
        .map((cell) => cell.getAttribute('aria-label')),
    ).toEqual(['Unit A-1, Available', 'Unit A-2, Available']);
    expect(screen.getByRole('button', { name: 'Unit A-2, Available' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    const sold = screen.getByRole('button', { name: 'Unit A-9, Sold' });
    expect(sold).toHaveAttribute('data-status', 'sold');
    expect(sold).toHaveAttribute('data-label', '● Sold');
    expect(sold).toHaveTextContent('A-9');
  });

  it('selects a unit by click and by keyboard', async () => {
    const onSelect = vi.fn();
    render(
      <AvailabilityBoard
        availability={board([unit('A-1', 1), unit('A-2', 1)])}
        selectedId={null}
        onSelect={onSelect}
      />,
    );
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Unit A-2, Available' }));
    expect(onSelect).toHaveBeenLastCalledWith('id-A-2');
    screen.getByRole('button', { name: 'Unit A-1, Available' }).focus();
    await user.keyboard('{Enter}');
    expect(onSelect).toHaveBeenLastCalledWith('id-A-1');
  });

  it('writes a live change onto the cell it names, which keeps its focus', () => {
    const before = board([unit('A-1', 1), unit('A-2', 1)]);
    const { rerender } = render(
      <AvailabilityBoard availability={before} selectedId={null} onSelect={() => undefined} />,
    );
    const cell = screen.getByRole('button', { name: 'Unit A-1, Available' });
    cell.focus();
    rerender(
      <AvailabilityBoard
        availability={applyUnitEvent(before, heldEvent('A-1'))}
        selectedId="id-A-2"
        onSelect={() => undefined}
      />,
    );
    const after = screen.getByRole('button', { name: 'Unit A-1, On hold' });
    expect(after).toBe(cell);
    expect(after).toHaveFocus();
    expect(after).toHaveAttribute('data-status', 'on_hold');
    expect(after).toHaveAttribute('aria-pressed', 'false');
    expect(screen.getByRole('button', { name: 'Unit A-2, Available' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
  });

  it('draws a floor afresh when its units change, and moves the selection between floors', () => {
    const { rerender } = render(
      <AvailabilityBoard
        availability={board([unit('A-1', 1), unit('A-5', 2)])}
        selectedId="id-A-1"
        onSelect={() => undefined}
      />,
    );
    rerender(
      <AvailabilityBoard
        availability={board([unit('A-1', 1), unit('A-3', 1), unit('A-5', 2)])}
        selectedId="id-A-5"
        onSelect={() => undefined}
      />,
    );
    const floor1 = screen.getByRole('group', { name: 'Building A, Floor 1' });
    expect(within(floor1).getAllByRole('button')).toHaveLength(2);
    expect(screen.getByRole('button', { name: 'Unit A-1, Available' })).toHaveAttribute(
      'aria-pressed',
      'false',
    );
    expect(screen.getByRole('button', { name: 'Unit A-5, Available' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
  });

  it('shows a code with markup in it as text', () => {
    const onSelect = vi.fn();
    render(
      <AvailabilityBoard
        availability={board([unit('<img src=x onerror="alert(1)">&', 1)])}
        selectedId={null}
        onSelect={onSelect}
      />,
    );
    const cell = screen.getByRole('button', { name: 'Unit <img src=x onerror="alert(1)">&, Available' });
    expect(cell).toHaveTextContent('<img src=x onerror="alert(1)">&');
    expect(cell.querySelector('img')).toBeNull();
    expect(document.querySelector('img')).toBeNull();
  });
});
