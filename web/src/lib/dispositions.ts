import type { components } from '@/types/api.gen';

/** How a call ended, as the contract spells it. */
export type Disposition = components['schemas']['CallDisposition'];

/** The contract's dispositions, labelled, in the order of the call screen's shortcut digits (1 to 7). */
export const dispositions: { value: Disposition; label: string }[] = [
  { value: 'answered', label: 'Answered' },
  { value: 'no_answer', label: 'No answer' },
  { value: 'busy', label: 'Busy' },
  { value: 'callback', label: 'Call back' },
  { value: 'interested', label: 'Interested' },
  { value: 'not_interested', label: 'Not interested' },
  { value: 'wrong_number', label: 'Wrong number' },
];
