import { api, unwrap } from '@/lib/api-client';

export interface SearchResult {
  id: string;
  kind: 'Leads' | 'Contacts' | 'Companies' | 'Deals';
  label: string;
  detail: string | null;
  href: string;
}

const perKind = 5;

/**
 * The first few leads, contacts, companies and deals matching `q`, each list from its own route's `q`. A list the
 * caller may not read (403) or that fails is left out rather than failing the whole search.
 */
export async function searchEverything(q: string, signal?: AbortSignal): Promise<SearchResult[]> {
  const query = { q, limit: perKind };
  const [leads, contacts, companies, deals] = await Promise.allSettled([
    unwrap(api.GET('/api/v1/leads', { params: { query }, ...(signal ? { signal } : {}) })),
    unwrap(api.GET('/api/v1/contacts', { params: { query }, ...(signal ? { signal } : {}) })),
    unwrap(api.GET('/api/v1/companies', { params: { query }, ...(signal ? { signal } : {}) })),
    unwrap(api.GET('/api/v1/deals', { params: { query }, ...(signal ? { signal } : {}) })),
  ]);
  const results: SearchResult[] = [];
  if (leads.status === 'fulfilled') {
    for (const lead of leads.value.items) {
      results.push({
        id: lead.id,
        kind: 'Leads',
        label: lead.name,
        detail: lead.phone ?? lead.email,
        href: `/app/leads/${lead.id}`,
      });
    }
  }
  if (contacts.status === 'fulfilled') {
    for (const contact of contacts.value.items) {
      results.push({
        id: contact.id,
        kind: 'Contacts',
        label: `${contact.firstName} ${contact.lastName}`.trim(),
        detail: contact.emails[0] ?? contact.phones[0] ?? null,
        href: `/app/contacts/${contact.id}`,
      });
    }
  }
  if (companies.status === 'fulfilled') {
    for (const company of companies.value.items) {
      results.push({
        id: company.id,
        kind: 'Companies',
        label: company.name,
        detail: company.domain,
        href: `/app/companies/${company.id}`,
      });
    }
  }
  if (deals.status === 'fulfilled') {
    for (const deal of deals.value.items) {
      results.push({
        id: deal.id,
        kind: 'Deals',
        label: deal.title,
        detail: `${String(deal.value.amount)} ${deal.value.currency}`,
        href: `/app/deals/${deal.id}`,
      });
    }
  }
  return results;
}
