// A small typed use of the client generated from /openapi/v1.json: OpenApiLintTests generates schema.d.ts beside
// this file with openapi-typescript and runs `tsc --noEmit --strict` on it. It stops compiling when the document no
// longer says what a client must send (X-Tenant-Id, Idempotency-Key, If-Match, camelCase query names) or what it
// may get back (the record, the 202 of an approval-gated action, problem+json with its code).
import type { components, paths } from "./schema";

type Problem = components["schemas"]["Problem"];
export const explain = (problem: Problem): string =>
  `${problem.status} ${problem.code}: ${problem.detail} (trace ${problem.traceId})`;

type ListLeads = paths["/api/v1/leads"]["get"];
export const listLeadsHeaders: ListLeads["parameters"]["header"] = { "X-Tenant-Id": "acme-realty" };
export const listLeadsQuery: NonNullable<ListLeads["parameters"]["query"]> = { limit: 50, q: "smith", ownerId: "0193a0c4-0000-7000-8000-000000000001" };
export type LeadPage = ListLeads["responses"][200]["content"]["application/json"];
export const leadNames = (page: LeadPage): string[] => page.items.map((lead) => lead.name);
export type LeadNotFound = paths["/api/v1/leads/{id}"]["get"]["responses"][404]["content"]["application/problem+json"];

type UpdateLead = paths["/api/v1/leads/{id}"]["patch"];
export const updateLeadHeaders: UpdateLead["parameters"]["header"] = { "X-Tenant-Id": "acme-realty", "If-Match": "\"3\"" };
export type StaleVersion = UpdateLead["responses"][412]["content"]["application/problem+json"];

type HoldUnit = paths["/api/v1/units/{id}/hold"]["post"];
export const holdHeaders: HoldUnit["parameters"]["header"] = { "X-Tenant-Id": "acme-realty", "Idempotency-Key": "hold-7f1c" };
export type UnitTaken = HoldUnit["responses"][409]["content"]["application/problem+json"];

type ReserveUnit = paths["/api/v1/units/{id}/reserve"]["post"];
export const pendingApproval = (ticket: ReserveUnit["responses"][202]["content"]["application/json"]): string => ticket.approvalId;

type Login = paths["/api/v1/auth/login"]["post"];
export const loginHeaders: Login["parameters"]["header"] = { "X-Tenant-Id": "acme-realty" };
export const accessToken = (pair: Login["responses"][200]["content"]["application/json"]): string => pair.accessToken;
export type RateLimited = Login["responses"][429]["content"]["application/problem+json"];

// A request sends only the fields it means: nullable members of request records are optional.
type CreateLead = paths["/api/v1/leads"]["post"];
export const newLead: CreateLead["requestBody"]["content"]["application/json"] = { name: "Sam Smith", phone: "+15551234567", tags: ["webform"] };

// Text answers are strings, not the JSON body's schema.
export const csvLines = (csv: paths["/api/v1/leads/export.csv"]["get"]["responses"][200]["content"]["text/csv"]): string[] => csv.split("\n");
