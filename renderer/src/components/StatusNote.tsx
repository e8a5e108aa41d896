/**
 * The outcome of the last action, read out politely by screen readers; nothing while there is none.
 * Inline (span) beside its button, or as its own line (div) under a toolbar.
 */
export function StatusNote({ note, testId, block }: { note: string | null; testId?: string; block?: boolean }) {
  if (!note) return null;
  const Tag = block ? 'div' : 'span';
  return (
    <Tag className="muted" role="status" data-testid={testId}>
      {note}
    </Tag>
  );
}

/** The header of a table's sticky last column of row buttons: named for screen readers, blank on screen. */
export function ActionsHeader() {
  return (
    <th className="sticky-end">
      <span className="sr-only">Actions</span>
    </th>
  );
}
