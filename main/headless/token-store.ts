// The generated API token, kept in <data dir>/token (0600) so a restart of
// `npm start` / `npm run serve` does not log every open tab out. It changes only
// when the operator asks (--rotate-token). The file is checked like --token-file:
// a regular file, ours, not readable by group or others — else start-up is refused
// with the fix, since someone else may have read it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../control/config/atomic-file';
import { generateToken } from './auth';
import { readTokenFile } from './cli';

export const TOKEN_FILE = 'token';

export interface SavedToken {
  token: string;
  file: string;
  source: 'saved' | 'generated' | 'rotated';
  /** Why a new token could not be saved (read-only data dir): it then lasts for this run only. */
  saveError?: string;
  /** Why a saved file was not usable as a token (then replaced by a new one). */
  replaced?: string;
}

export async function loadOrCreateToken(dataDir: string, rotate: boolean): Promise<SavedToken> {
  const file = join(dataDir, TOKEN_FILE);
  let replaced: string | undefined;
  if (!rotate && existsSync(file)) {
    const token = readTokenFile(file, process.getuid?.(), `saved token ${file}`); // throws CliError with the fix
    if (token.length >= 8 && /^[\x21-\x7e]+$/.test(token)) return { token, file, source: 'saved' };
    replaced = 'it does not hold a usable token (under 8 printable characters)';
  }
  const token = generateToken();
  const saveError = await writeFileAtomic(file, `${token}\n`).then(
    () => undefined,
    (err: Error) => err.message,
  );
  return { token, file, source: rotate ? 'rotated' : 'generated', ...(saveError ? { saveError } : {}), ...(replaced ? { replaced } : {}) };
}
