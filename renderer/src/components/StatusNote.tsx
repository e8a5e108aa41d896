/** The outcome of the last action beside its button, read out politely by screen readers; nothing while there is none. */
export function StatusNote({ note }: { note: string | null }) {
  if (!note) return null;
  return (
    <span className="muted" role="status">
      {note}
    </span>
  );
}
