// The metrics history on disk: restored at start, saved on a timer and at stop. A convenience,
// never a reason not to start: a damaged file is kept aside and the app starts with none.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { LogEvent } from '../../../common/contract';
import { readFileIfExists, writeFileAtomic } from '../config/atomic-file';
import type { MetricsHistoryStore } from './history';

export const HISTORY_FILE = 'history.json';

type Log = (e: Omit<LogEvent, 'seq' | 'time'>) => void;

export class HistoryFile {
  readonly file: string;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly history: MetricsHistoryStore,
    dataDir: string,
    private readonly now: () => number,
    private readonly log: Log,
  ) {
    this.file = path.join(dataDir, HISTORY_FILE);
  }

  async load(): Promise<void> {
    const text = await readFileIfExists(this.file);
    if (text === undefined) return;
    try {
      const restored = this.history.load(JSON.parse(text), this.now());
      this.log({ type: 'config.changed', level: 'debug', message: `Restored ${restored} history points` });
    } catch (err) {
      const keptAs = `${this.file}.corrupt-${this.now()}`;
      await fs.rename(this.file, keptAs).catch(() => undefined);
      this.log({
        type: 'config.warning',
        level: 'warn',
        message: `history.json could not be read (${(err as Error).message}); kept as ${path.basename(keptAs)}`,
      });
    }
  }

  async save(): Promise<void> {
    await writeFileAtomic(this.file, JSON.stringify(this.history.toJSON(this.now())));
  }

  /** (Re)starts the periodic save; after stop() it stays stopped. */
  schedule(intervalMs: number): void {
    if (this.timer) clearInterval(this.timer);
    if (this.stopped) return;
    this.timer = setInterval(() => {
      this.save().catch((err: Error) =>
        this.log({ type: 'config.warning', level: 'warn', message: `Saving metrics history failed: ${err.message}` }),
      );
    }, intervalMs);
    this.timer.unref?.();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
  }
}
