/** An answer that was not a success, read from its RFC 9457 problem+json body when it has one. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string | undefined;
  /** Messages by field, keyed by the request's field path (`email`, `owner.password`). */
  readonly fieldErrors: Record<string, string[]>;
  /** The whole body, for codes that carry more (`existingId` of `duplicate_lead`). */
  readonly body: Record<string, unknown>;

  constructor(status: number, body: Record<string, unknown>) {
    const str = (name: string) => (typeof body[name] === 'string' ? body[name] : undefined);
    const title = str('title') ?? `The server answered ${status}.`;
    super(str('detail') ?? title);
    this.name = 'ApiError';
    this.status = status;
    this.code = str('code') ?? (status >= 500 ? 'unavailable' : 'unknown');
    this.title = title;
    this.detail = str('detail');
    this.body = body;
    this.fieldErrors = fieldErrorsOf(this.code, body);
  }

  /** The message for a field, if the server named it. */
  fieldError(field: string): string | undefined {
    return this.fieldErrors[field]?.join(' ');
  }
}

/**
 * Codes that concern one field although the server sends no `errors` map for them: a taken slug or email is a
 * conflict (409), and the form shows it next to the field that caused it.
 */
const codeFields: Record<string, string> = {
  slug_taken: 'slug',
  email_taken: 'email',
  code_taken: 'code',
};

function fieldErrorsOf(code: string, body: Record<string, unknown>): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  const errors = body.errors;
  if (typeof errors === 'object' && errors !== null) {
    for (const [field, messages] of Object.entries(errors as Record<string, unknown>)) {
      const list = Array.isArray(messages) ? messages.filter((m): m is string => typeof m === 'string') : [];
      if (list.length > 0) result[field] = list;
    }
  }

  const field = codeFields[code];
  if (field !== undefined && result[field] === undefined) {
    const detail =
      typeof body.detail === 'string' ? body.detail : typeof body.title === 'string' ? body.title : code;
    result[field] = [detail];
  }

  return result;
}

/** Builds the error of a failed answer from what openapi-fetch parsed (JSON, text or nothing). */
export function apiErrorFrom(response: Response, parsed: unknown): ApiError {
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
    return new ApiError(response.status, parsed as Record<string, unknown>);
  }
  return new ApiError(response.status, typeof parsed === 'string' && parsed ? { detail: parsed } : {});
}
