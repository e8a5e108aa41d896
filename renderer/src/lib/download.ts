import type { SnapshotFile } from '../../../common/contract';

/** Browser save: a Blob behind a temporary link (headless mode has no save dialog). */
export function downloadFile(file: SnapshotFile, doc: Document = document): void {
  const url = URL.createObjectURL(new Blob([file.content], { type: file.mimeType }));
  const a = doc.createElement('a');
  a.href = url;
  a.download = file.filename;
  a.rel = 'noopener';
  doc.body.appendChild(a);
  a.click();
  a.remove();
  // revoke later: some browsers start reading the blob after click() returns
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
