// Pool size between minWorkers and maxWorkers. Up: when the queue holds
// scaleUpQueueThreshold messages, start one more worker (one start at a time,
// backing off after a failed start). Down: an idle worker above minWorkers is
// drained and stopped after idleTimeout. Also refills to minWorkers after
// scale() and trims above maxWorkers (idle workers first).
import { RestartPolicy } from './restart-policy';
import type { WorkerHost, WorkerManager } from './workers';
import type { WorkerSlot } from '../worker/worker-slot';

export class Scaler {
  private timer: NodeJS.Timeout | null = null;
  private spawning = false;
  private blockedUntil = 0;
  private readonly backoff = new RestartPolicy();

  constructor(
    private readonly manager: WorkerManager,
    private readonly host: WorkerHost,
    private readonly queueDepth: () => number,
  ) {}

  start(): void {
    this.stop();
    const o = this.host.opts;
    // Tick often enough to honour a short idleTimeout, never busier than 20 ms nor lazier than 1 s.
    const every = Math.min(1000, Math.max(20, Math.floor(o.idleTimeout / 2)));
    this.timer = setInterval(() => this.tick(), every);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Hot path hook: called when a message had to wait in the queue. */
  onQueued(depth: number): void {
    if (depth >= this.host.opts.scaleUpQueueThreshold && !this.spawning) this.maybeGrow();
  }

  /** Brings the pool back to minWorkers (after scale(), or a start-up with failures). */
  fillMin(): void {
    const missing = this.host.opts.minWorkers - this.manager.activeCount();
    for (let i = 0; i < missing; i++) this.manager.launchOrSchedule(this.manager.newSlot());
  }

  tick(): void {
    if (this.host.closing) return;
    const o = this.host.opts;
    this.fillMin();
    if (this.queueDepth() >= o.scaleUpQueueThreshold) this.maybeGrow();
    const active = this.manager.activeCount();
    if (active > o.maxWorkers) {
      const victim = this.pickVictim(false);
      if (victim) this.shrink(victim, 'above maxWorkers');
      return;
    }
    if (active > o.minWorkers && this.queueDepth() === 0) {
      const victim = this.pickVictim(true);
      if (victim) this.shrink(victim, `idle for ${o.idleTimeout} ms`);
    }
  }

  private maybeGrow(): void {
    const o = this.host.opts;
    if (this.host.closing || this.manager.activeCount() >= o.maxWorkers || performance.now() < this.blockedUntil) return;
    if (this.manager.startingCount() > 0) return; // a worker is already on its way
    this.spawning = true;
    const slot = this.manager.newSlot();
    const from = this.manager.activeCount() - 1;
    this.manager.launch(slot).then(
      () => {
        this.spawning = false;
        this.backoff.reset();
        this.host.emitEvent('pool.scaled', 'info', `scaled up to ${this.manager.activeCount()} workers (queue depth ${this.queueDepth()})`, slot.id, {
          from,
          to: this.manager.activeCount(),
          direction: 'up',
        });
      },
      () => {
        this.spawning = false;
        this.manager.remove(slot);
        this.blockedUntil = performance.now() + this.backoff.onFailure(null).delayMs;
      },
    );
  }

  /** The worker idle the longest (or, when trimming above max, the least busy one). */
  private pickVictim(idleOnly: boolean): WorkerSlot | null {
    const now = performance.now();
    let best: WorkerSlot | null = null;
    for (const s of this.manager.slots) {
      if (s.retiring || s.recycling || s.surge) continue;
      if (!idleOnly && s.state !== 'ready') return s; // a not-serving extra goes first
      if (s.state !== 'ready') continue;
      if (idleOnly && (s.inFlight > 0 || now - s.idleSince < this.host.opts.idleTimeout)) continue;
      if (best === null || s.inFlight < best.inFlight || (s.inFlight === best.inFlight && s.idleSince < best.idleSince)) best = s;
    }
    return best;
  }

  private shrink(slot: WorkerSlot, why: string): void {
    const from = this.manager.activeCount();
    slot.retiring = true;
    this.host.emitEvent('pool.scaled', 'info', `scaling down: stopping ${slot.id} (${why})`, slot.id, { from, to: from - 1, direction: 'down' });
    void this.manager.retire(slot);
  }
}
