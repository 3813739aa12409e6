-- A contact's and a company's deals, listed on their pages (GET /deals?contactId= / ?companyId=).
CREATE INDEX deals_contact ON deals (tenant_id, contact_id, created_at, id) WHERE contact_id IS NOT NULL AND NOT deleted;
CREATE INDEX deals_company ON deals (tenant_id, company_id, created_at, id) WHERE company_id IS NOT NULL AND NOT deleted;
