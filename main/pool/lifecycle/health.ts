// Health checks. Every interval each ready worker gets an agent.ping and an
// agent.metrics. A ping unanswered for SUSPECT_AFTER_MS with neither pipe moving
// makes the worker *suspect* at once (shown live, with its age), long before the
// verdict; one unanswered for healthCheckTimeout has a blocked gevent hub (agent
// code that never yields) — the case PM2 and zerorpc users complain nobody
// detects (PM2 #3079, #4944).
// The RSS from the metrics reply feeds the memory recycle check on every
// sample, not a slow poll (PM2 #4238).
import type { Recycler } from './recycler';
import type { WorkerHost, WorkerManager } from './workers';
import type { WorkerSlot } from '../worker/worker-slot';

// Linux's default pipe capacity; macOS's is 16-64 KiB, Windows' smaller: the largest is the safe bound.
const PIPE_BUFFER_BYTES = 65_536;
// An idle hub answers a ping in well under a millisecond; a second of silence with no pipe
// traffic is worth showing. Capped at half the timeout so a short timeout still shows it first.
export const SUSPECT_AFTER_MS = 1_000;

export class HealthMonitor {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly manager: WorkerManager,
    private readonly recycler: Recycler,
    private readonly host: WorkerHost,
  ) {}

  start(): void {
    this.stop();
    this.timer = setInterval(() => this.tick(), this.host.opts.healthCheckInterval);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  tick(): void {
    for (const slot of this.manager.slots) {
      // unhealthyReported: already killed for a blocked hub, its exit is on the way.
      if (slot.state === 'ready' && !slot.healthPending && !slot.unhealthyReported) void this.check(slot);
    }
  }

  /** RSS sample outside the interval (after a message-count step when a memory limit is set). */
  sampleMemory(slot: WorkerSlot): void {
    const a = slot.adapter;
    if (!a || slot.state !== 'ready' || slot.memoryPending) return;
    slot.memoryPending = true;
    a.fetchMetrics(this.host.opts.healthCheckTimeout).then(
      (m) => {
        slot.memoryPending = false;
        if (slot.adapter !== a) return;
        slot.rssBytes = m.rss_bytes;
        slot.loopLagMs = m.loop_lag_ms;
        this.recycler.checkMemory(slot);
      },
      () => {
        slot.memoryPending = false;
      },
    );
  }

  private async check(slot: WorkerSlot): Promise<void> {
    const a = slot.adapter;
    if (!a) return;
    const timeout = this.host.opts.healthCheckTimeout;
    slot.healthPending = true;
    const bytesBefore = a.protocolBytesReceived;
    const inputBefore = a.protocolInputConsumed;
    const moved = () => a.protocolBytesReceived !== bytesBefore || a.protocolInputConsumed - inputBefore > PIPE_BUFFER_BYTES;
    const sentAt = Date.now();
    const suspectTimer = setTimeout(
      () => {
        if (slot.adapter === a && slot.healthPending && !moved()) this.onSuspect(slot, sentAt);
      },
      Math.min(SUSPECT_AFTER_MS, timeout / 2),
    );
    suspectTimer.unref();
    const [pong, metrics] = await Promise.allSettled([a.ping(timeout), a.fetchMetrics(timeout)]);
    clearTimeout(suspectTimer);
    slot.healthPending = false;
    if (slot.adapter !== a || slot.retiring) return; // replaced or going away meanwhile
    if (metrics.status === 'fulfilled') {
      slot.rssBytes = metrics.value.rss_bytes;
      slot.loopLagMs = metrics.value.loop_lag_ms;
      this.recycler.checkMemory(slot);
    }
    if (pong.status === 'fulfilled') {
      slot.loopLagMs = pong.value.loopLagMs;
      this.clearSuspect(slot, true);
      if (!slot.healthy) {
        slot.healthy = true;
        this.host.emitEvent('worker.unhealthy', 'info', `worker ${slot.id} answers pings again`, slot.id, { reason: 'recovered' });
        this.host.onCapacity();
      }
      return;
    }
    if (!a.connected) return; // the process died; the exit handler reports 'process-dead'
    // Replies kept arriving, or the worker kept reading our frames, while the ping waited: the hub
    // runs (only it reads and writes the protocol pipes), the ping is just queued behind megabytes
    // of traffic. Killing this busy worker would fail every message it holds; a blocked hub moves
    // neither pipe, so the next check still catches it. Input counts only beyond one pipe buffer:
    // the kernel takes that much (our ping among it) even from a worker that never reads.
    if (moved()) {
      this.clearSuspect(slot, true);
      return;
    }
    this.onHubBlocked(slot, pong.reason);
  }

  /** First missed answer: shown at once (WorkerStats.suspectForMs), acted on at healthCheckTimeout. */
  private onSuspect(slot: WorkerSlot, since: number): void {
    if (slot.suspectSince > 0) return; // still the same silence
    slot.suspectSince = since;
    const o = this.host.opts;
    const then = o.restartOnFailure
      ? `killed and replaced at ${o.healthCheckTimeout} ms`
      : `marked unhealthy at ${o.healthCheckTimeout} ms (restartOnFailure is off)`;
    this.host.emitEvent(
      'worker.unhealthy',
      'warn',
      `worker ${slot.id} has not answered a ping for ${Date.now() - since} ms and its pipes are still: hub suspected blocked; ${then} if it stays silent`,
      slot.id,
      {
        reason: 'suspect',
        since,
        inFlight: slot.inFlight,
      },
    );
  }

  private clearSuspect(slot: WorkerSlot, answered: boolean): void {
    if (slot.suspectSince === 0) return;
    const silentMs = Date.now() - slot.suspectSince;
    slot.suspectSince = 0;
    if (answered && slot.healthy) {
      this.host.emitEvent('worker.unhealthy', 'info', `worker ${slot.id} answers again after ${silentMs} ms`, slot.id, {
        reason: 'recovered',
        silentMs,
      });
    }
  }

  private onHubBlocked(slot: WorkerSlot, reason: unknown): void {
    const restart = this.host.opts.restartOnFailure;
    const wasHealthy = slot.healthy;
    slot.healthy = false;
    slot.lastError = `no pong within ${this.host.opts.healthCheckTimeout} ms: gevent hub blocked`;
    if (wasHealthy || restart) {
      this.host.emitEvent(
        'worker.unhealthy',
        'error',
        `worker ${slot.id} did not answer a ping within ${this.host.opts.healthCheckTimeout} ms (hub blocked)`,
        slot.id,
        {
          reason: 'hub-blocked',
          inFlight: slot.inFlight,
          action: restart ? 'restart' : 'none',
          error: reason instanceof Error ? reason.message : String(reason),
        },
      );
    }
    if (restart) {
      // Killing it fails its in-flight messages as a crash: they are retried elsewhere, and a
      // message that blocks every hub it lands on ends as poison after maxRetries.
      slot.unhealthyReported = true;
      this.manager.killUnhealthy(slot);
    }
  }
}
