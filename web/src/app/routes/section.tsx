/** A section of the sidebar whose pages come with part 2 of the web dashboard (issue #20): its URL works already. */
export function SectionRoute({ name }: { name: string }) {
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{name}</h1>
      <p className="text-slate-600 dark:text-slate-400">
        This section is not in the web app yet; the API has it.
      </p>
    </div>
  );
}
