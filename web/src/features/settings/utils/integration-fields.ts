/** A setting of an integration as its form shows it; a secret is write-only and the API only says whether it is set. */
export interface IntegrationField {
  name: string;
  label: string;
  secret?: boolean;
  number?: boolean;
  hint?: string;
}

export const integrationFields: Record<'email' | 'infobip' | 'voip', IntegrationField[]> = {
  email: [
    { name: 'host', label: 'SMTP host' },
    { name: 'port', label: 'SMTP port', number: true },
    { name: 'tlsMode', label: 'TLS mode', hint: 'none, starttls or tls.' },
    { name: 'user', label: 'SMTP user' },
    { name: 'password', label: 'SMTP password', secret: true },
    { name: 'fromAddress', label: 'From address' },
    { name: 'fromName', label: 'From name' },
  ],
  infobip: [
    { name: 'baseUrl', label: 'API base URL' },
    { name: 'apiKey', label: 'API key', secret: true },
    { name: 'smsSender', label: 'SMS sender' },
    { name: 'whatsappSender', label: 'WhatsApp sender' },
    { name: 'webhookSecret', label: 'Webhook secret', secret: true },
  ],
  voip: [
    { name: 'provider', label: 'Provider', hint: 'twilio.' },
    { name: 'accountSid', label: 'Account SID' },
    { name: 'authToken', label: 'Auth token', secret: true },
    { name: 'fromNumber', label: 'Caller number', hint: 'International form: + and the country code.' },
    { name: 'apiBase', label: 'API base URL', hint: 'Optional: the provider’s default when empty.' },
  ],
};

/** The text a form starts with: stored values as text, secrets always empty (they are never sent back). */
export function integrationFormOf(fields: readonly IntegrationField[], view: Record<string, unknown>) {
  return Object.fromEntries(
    fields.map((field) => {
      const value = view[field.name];
      const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : '';
      return [field.name, field.secret ? '' : text];
    }),
  );
}

/**
 * The body of the PUT: empty text is null; a secret left empty is null, which keeps the stored one, unless the user
 * asked to remove it, which the API reads from an empty string.
 */
export function integrationBodyOf(
  fields: readonly IntegrationField[],
  form: Record<string, string>,
  removed: ReadonlySet<string>,
): Record<string, unknown> {
  return Object.fromEntries(
    fields.map((field) => {
      const text = (form[field.name] ?? '').trim();
      if (field.secret) return [field.name, removed.has(field.name) ? '' : text === '' ? null : text];
      if (text === '') return [field.name, null];
      return [field.name, field.number && Number.isFinite(Number(text)) ? Number(text) : text];
    }),
  );
}
