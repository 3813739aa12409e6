import { describe, expect, it } from 'vitest';
import { integrationBodyOf, integrationFields, integrationFormOf } from './integration-fields';

const email = integrationFields.email;

describe('integration settings forms', () => {
  it('never puts a secret back into the form', () => {
    const form = integrationFormOf(email, { host: 'smtp.example.com', port: 587, password: { set: true } });
    expect(form).toMatchObject({ host: 'smtp.example.com', port: '587', password: '', user: '' });
  });

  it('keeps a stored secret left empty, replaces a typed one, and removes one when asked', () => {
    const form = { host: 'smtp.example.com', port: '587', tlsMode: 'starttls', password: '' };
    expect(integrationBodyOf(email, form, new Set())).toMatchObject({
      port: 587,
      password: null,
      user: null,
    });
    expect(integrationBodyOf(email, { ...form, password: 's3cret' }, new Set()).password).toBe('s3cret');
    expect(integrationBodyOf(email, form, new Set(['password'])).password).toBe('');
  });
});
