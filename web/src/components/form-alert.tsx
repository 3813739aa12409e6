import type { ReactNode } from 'react';
import { ApiError } from '@/lib/problem';

/**
 * The part of an error no field shows: the problem's title and detail when it named no field the form has, or
 * a network failure. Field errors are shown next to their fields instead.
 */
export function FormAlert({
  error,
  fields,
  children,
}: {
  error: unknown;
  fields: readonly string[];
  children?: ReactNode;
}) {
  if (!error) return null;
  let message: string;
  if (error instanceof ApiError) {
    const shown = Object.keys(error.fieldErrors).some((field) => fields.includes(field));
    if (shown && !children) return null;
    message = shown ? error.title : (error.detail ?? error.title);
  } else {
    message = 'The server could not be reached. Check the connection and try again.';
  }
  return (
    <div
      role="alert"
      className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200"
    >
      <p>{message}</p>
      {children}
    </div>
  );
}

/** The message for one field from a failed call, if it named that field. */
export function fieldError(error: unknown, field: string): string | undefined {
  return error instanceof ApiError ? error.fieldError(field) : undefined;
}
