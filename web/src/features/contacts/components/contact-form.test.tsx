import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, mockFetch, problem, renderRoute } from '@/testing/test-utils';
import { ContactNewRoute } from '../routes/contact-edit';
import { splitList } from './contact-form';

describe('the new contact form', () => {
  it("shows the server's message about one address under the box it was typed in", async () => {
    const { requests } = mockFetch({
      'GET /api/v1/companies': () =>
        json(200, { items: [{ id: 'co1', name: 'Acme Realty' }], nextCursor: null }),
      'POST /api/v1/contacts': () =>
        problem(400, 'validation_failed', { errors: { 'emails[1]': ['Not an email address.'] } }),
    });
    renderRoute([{ path: '/app/contacts/new', element: <ContactNewRoute /> }], '/app/contacts/new');
    const user = userEvent.setup();

    await user.type(screen.getByLabelText('First name'), 'Ada');
    await user.type(screen.getByLabelText('Emails'), 'ada@example.com, not-an-email');
    await user.selectOptions(
      screen.getByLabelText('Company'),
      await screen.findByRole('option', { name: 'Acme Realty' }),
    );
    await user.click(screen.getByRole('button', { name: 'Create contact' }));

    expect(await screen.findByText('Not an email address.')).toBeInTheDocument();
    expect(screen.getByLabelText('Emails')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('Emails')).toHaveAccessibleDescription(/Not an email address\./);
    expect(screen.queryByRole('alert')).toBeNull();
    const post = requests.find((r) => r.method === 'POST')!;
    expect(await post.json()).toEqual({
      firstName: 'Ada',
      lastName: '',
      emails: ['ada@example.com', 'not-an-email'],
      phones: [],
      companyId: 'co1',
    });
  });
});

describe('a list typed in one box', () => {
  it('splits on commas, semicolons and new lines and drops blanks', () => {
    expect(splitList(' a@x.com, b@y.com;\nc@z.com ,, ')).toEqual(['a@x.com', 'b@y.com', 'c@z.com']);
    expect(splitList('   ')).toEqual([]);
  });
});
