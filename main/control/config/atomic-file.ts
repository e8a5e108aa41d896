// Atomic JSON persistence: write a temp file in the same directory, fsync it,
// then rename over the target. A crash mid-write leaves either the old file or
// the new one, never a half-written config or history.
// Everything here is private to the user: config.json can hold the A2A token,
// so directories are made 0700 and files 0600 (the temp file too: it becomes the file).
import { promises as fs } from 'node:fs';
import path from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

let counter = 0;

export async function writeFileAtomic(file: string, content: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: PRIVATE_DIR_MODE });
  const tmp = `${file}.${process.pid}.${Date.now()}.${counter++}.tmp`;
  try {
    // 'wx': never write through a file (or symlink) someone else placed at the temp name.
    const handle = await fs.open(tmp, 'wx', PRIVATE_FILE_MODE);
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, file);
  } catch (err) {
    // Any failure (disk full mid-write, rename onto a directory): no temp file piles up.
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
}

/**
 * Creates the data directory 0700, and takes group/other access away from one
 * an older version made 0755. Best effort: a directory we may not chmod (not ours)
 * is left as it is and the reason returned, so the caller can warn.
 */
export async function ensurePrivateDir(dir: string): Promise<string | undefined> {
  await fs.mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (process.platform === 'win32') return undefined; // ACLs, not mode bits
  const st = await fs.stat(dir);
  if ((st.mode & 0o077) === 0) return undefined;
  try {
    await fs.chmod(dir, st.mode & 0o700);
    return undefined;
  } catch (err) {
    return `${dir} is readable by other users and could not be made private (${(err as Error).message})`;
  }
}

/**
 * File content, or undefined when it does not exist — also when a path component
 * is not a directory (ENOTDIR): there is no file there either. Other read errors propagate.
 */
export async function readFileIfExists(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw err;
  }
}
