import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { useShortcuts } from './shortcuts';

function Page({ onNext, onSave, onPick }: { onNext: () => void; onSave: () => void; onPick: () => void }) {
  useShortcuts({ n: onNext, 'mod+enter': onSave, '1': onPick });
  return (
    <div>
      <label>
        Name <input type="text" />
      </label>
      <label>
        Notes <textarea />
      </label>
      <label>
        Answered <input type="radio" name="outcome" />
      </label>
      <button type="button">Other</button>
    </div>
  );
}

describe('page shortcuts', () => {
  it('fire plain keys outside text fields, and Ctrl+Enter from inside them', async () => {
    const onNext = vi.fn();
    const onSave = vi.fn();
    const onPick = vi.fn();
    render(<Page onNext={onNext} onSave={onSave} onPick={onPick} />);
    const user = userEvent.setup();

    await user.click(screen.getByRole('button', { name: 'Other' }));
    await user.keyboard('n1');
    expect(onNext).toHaveBeenCalledTimes(1);
    expect(onPick).toHaveBeenCalledTimes(1);

    // Typing an n or a digit into a field is typing, not a shortcut.
    await user.type(screen.getByLabelText('Name'), 'nn1');
    await user.type(screen.getByLabelText('Notes'), 'n1');
    expect(onNext).toHaveBeenCalledTimes(1);
    expect(onPick).toHaveBeenCalledTimes(1);
    expect(screen.getByLabelText('Name')).toHaveValue('nn1');

    // Save is meant to work from the notes.
    await user.keyboard('{Control>}{Enter}{/Control}');
    expect(onSave).toHaveBeenCalledTimes(1);

    // A radio button takes no text: a digit there still picks.
    await user.click(screen.getByLabelText('Answered'));
    await user.keyboard('1');
    expect(onPick).toHaveBeenCalledTimes(2);

    // Ctrl+N (the browser's) is not N.
    await user.click(screen.getByRole('button', { name: 'Other' }));
    await user.keyboard('{Control>}n{/Control}');
    expect(onNext).toHaveBeenCalledTimes(1);
  });
});
