/** Shown after a 412: someone saved the record since the form was filled in. */
export function StaleNotice({ record, onReload }: { record: string; onReload: () => void }) {
  return (
    <p role="status" className="text-sm">
      Someone changed this {record} while you were editing it.{' '}
      <button type="button" className="font-semibold underline" onClick={onReload}>
        Load their version
      </button>
    </p>
  );
}
