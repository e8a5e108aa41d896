// Health checks. Every interval each ready worker gets an agent.ping and an
// agent.metrics. A live process that does not answer the ping within
// healthCheckTimeout has a blocked gevent hub (agent code that never yields) —
// the case PM2 and zerorpc users complain nobody detects (PM2 #3079, #4944).
// The RSS from the metrics reply feeds the memory recycle check on every
// sample, not a slow poll (PM2 #4238).
import type { Recycler } from './recycler';
import type { WorkerHost, WorkerManager } from './workers';
import type { WorkerSlot } from '../worker/worker-slot';

// Linux's default pipe capacity; macOS's is 16-64 KiB, Windows' smaller: the largest is the safe bound.
const PIPE_BUFFER_BYTES = 65_536;

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
    const [pong, metrics] = await Promise.allSettled([a.ping(timeout), a.fetchMetrics(timeout)]);
    slot.healthPending = false;
    if (slot.adapter !== a || slot.retiring) return; // replaced or going away meanwhile
    if (metrics.status === 'fulfilled') {
      slot.rssBytes = metrics.value.rss_bytes;
      slot.loopLagMs = metrics.value.loop_lag_ms;
      this.recycler.checkMemory(slot);
    }
    if (pong.status === 'fulfilled') {
      slot.loopLagMs = pong.value.loopLagMs;
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
    if (a.protocolBytesReceived !== bytesBefore || a.protocolInputConsumed - inputBefore > PIPE_BUFFER_BYTES) return;
    this.onHubBlocked(slot, pong.reason);
  }

  private onHubBlocked(slot: WorkerSlot, reason: unknown): void {
    const restart = this.host.opts.restartOnFailure;
    const wasHealthy = slot.healthy;
    slot.healthy = false;
    slot.lastError = `no pong within ${this.host.opts.healthCheckTimeout} ms: gevent hub blocked`;
    if (wasHealthy || restart) {
      this.host.emitEvent('worker.unhealthy', 'error', `worker ${slot.id} did not answer a ping within ${this.host.opts.healthCheckTimeout} ms (hub blocked)`, slot.id, {
        reason: 'hub-blocked',
        inFlight: slot.inFlight,
        action: restart ? 'restart' : 'none',
        error: reason instanceof Error ? reason.message : String(reason),
      });
    }
    if (restart) {
      // Killing it fails its in-flight messages as a crash: they are retried elsewhere, and a
      // message that blocks every hub it lands on ends as poison after maxRetries.
      slot.unhealthyReported = true;
      this.manager.killUnhealthy(slot);
    }
  }
}
