// GreenletBridgeAdapter against real Python workers: handshake, round trips,
// id matching, the bounded queue, metrics, and graceful stop.
import { describe, expect, it } from 'vitest';
import { GreenletBridgeAdapter } from './adapter';
import type { RegisterInfo } from './adapter';
import { connected, makeAdapter } from '../test-support/adapter-test-kit';
import { rejection, sleep, waitFor } from '../../../common/test-support/wait';

describe('GreenletBridgeAdapter: connect and round trips', () => {
  it('connect() resolves with the worker registration and emits register', async () => {
    const a = makeAdapter({ concurrency: 7, workerQueueSize: 11 });
    const seen: RegisterInfo[] = [];
    a.on('register', (info: RegisterInfo) => seen.push(info));
    const info = await a.connect();
    expect(info.agentId).toBe('echo');
    expect(info.capabilities).toEqual(['echo']);
    expect(info.pid).toBe(a.pid);
    expect(info.versions.greenlet).toMatch(/^\d+\./);
    expect(info.versions.gevent).toMatch(/^\d+\./);
    expect(info.concurrency).toBe(7);
    expect(info.maxQueueSize).toBe(11);
    expect(a.connected).toBe(true);
    expect(a.info).toEqual(info);
    expect(seen).toEqual([info]);
  });

  it('agentId and capabilities options override the class defaults', async () => {
    const a = await connected({ agentId: 'w-7', capabilities: ['echo', 'x'] });
    expect(a.info?.agentId).toBe('w-7');
    expect(a.info?.capabilities).toEqual(['echo', 'x']);
  });

  it('process() echoes JSON data intact, including multi-byte UTF-8', async () => {
    const a = await connected();
    const data = { text: 'grüße ✓ 日本語 🐍', list: [1, null, true, { deep: 'x'.repeat(70_000) }] };
    const out = await a.process(data);
    expect(out.result).toEqual(data);
    expect(out.durationMs).toBeGreaterThan(0);
    expect((await a.process(null)).result).toBeNull();
    expect((await a.process(undefined)).result).toBeNull(); // undefined is not JSON: sent as null
  });

  it('replies are matched by id when they come back out of order', async () => {
    const a = await connected();
    const order: number[] = [];
    const send = (ms: number) =>
      a.process({ sleep_ms: ms, tag: `t${ms}` }).then((r) => {
        order.push(ms);
        return r.result;
      });
    const results = await Promise.all([send(300), send(10), send(150)]);
    expect(results).toEqual([
      { sleep_ms: 300, tag: 't300' },
      { sleep_ms: 10, tag: 't10' },
      { sleep_ms: 150, tag: 't150' },
    ]);
    expect(order).toEqual([10, 150, 300]);
  });

  it('many messages pipelined in one tick all come back to their callers', async () => {
    const a = await connected({ concurrency: 100, workerQueueSize: 100 });
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => a.process({ i })));
    expect(results.map((r) => (r.result as { i: number }).i)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(a.inFlight).toBe(0);
  });

  it('large messages go through write backpressure without loss', async () => {
    const a = await connected();
    const blob = 'b'.repeat(256 * 1024);
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => a.process({ i, blob })));
    expect(results.every((r, i) => (r.result as { i: number; blob: string }).i === i && (r.result as { blob: string }).blob === blob)).toBe(true);
    expect(a.getMetrics().writeStalls).toBeGreaterThan(0);
  });

  it('data that is not JSON-serialisable is refused before anything is sent', async () => {
    const a = await connected();
    const err = await rejection(a.process({ n: 10n }));
    expect(err.code).toBe('ERR_PROTOCOL');
    expect(err.message).toMatch(/not JSON-serialisable/);
    expect(a.getMetrics().messagesSent).toBe(0);
  });

  it('concurrent connect() calls share one worker; connect() after disconnect() starts a new one', async () => {
    const a = makeAdapter();
    const [x, y] = await Promise.all([a.connect(), a.connect()]);
    expect(x).toBe(y);
    const firstPid = a.pid;
    await a.disconnect();
    const again = await a.connect();
    expect(again.pid).not.toBe(firstPid);
    expect((await a.process('again')).result).toBe('again');
  });

  it('process() before connect() rejects ERR_NOT_CONNECTED', async () => {
    const a = makeAdapter();
    const err = await rejection(a.process(1));
    expect(err.code).toBe('ERR_NOT_CONNECTED');
    expect(err.retryable).toBe(false);
  });
});

describe('GreenletBridgeAdapter: the spec API', () => {
  it('queueMessage refuses when full and keeps every earlier message', async () => {
    const a = await connected({ messageQueueSize: 3 });
    const ids = [0, 1, 2].map((n) => a.queueMessage({ type: 'agent.process', data: { n } }));
    const err = (() => {
      try {
        a.queueMessage({ type: 'agent.process', data: { n: 3 } });
      } catch (e) {
        return e as { code: string; message: string };
      }
      return null;
    })();
    expect(err?.code).toBe('ERR_WORKER_QUEUE_FULL');
    expect(err?.message).toMatch(/full \(3 queued\)/);
    expect(a.queued).toBe(3);
    const outcomes = await a.processQueue();
    expect(outcomes.map((o) => o.id)).toEqual(ids);
    expect(outcomes.map((o) => o.result)).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }]);
    expect(a.queued).toBe(0);
  });

  it('processQueue delivers everything with at most `concurrency` in flight', async () => {
    const a = await connected({ concurrency: 2 });
    for (let n = 0; n < 6; n++) a.queueMessage({ type: 'agent.process', data: { n, sleep_ms: 80 } });
    let maxInFlight = 0;
    const probe = setInterval(() => (maxInFlight = Math.max(maxInFlight, a.inFlight)), 5);
    const outcomes = await a.processQueue();
    clearInterval(probe);
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(outcomes.map((o) => (o.result as { n: number }).n)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(maxInFlight).toBeLessThanOrEqual(2);
    expect(maxInFlight).toBeGreaterThan(0);
  });

  it('processQueue also sends messages queued while it is draining', async () => {
    const a = await connected({ concurrency: 2 });
    a.queueMessage({ type: 'agent.process', data: { n: 0, sleep_ms: 50 } });
    const drained = a.processQueue();
    const late = [1, 2, 3].map((n) => a.queueMessage({ type: 'agent.process', data: { n } }));
    expect(a.processQueue()).toBe(drained); // one drain at a time
    const outcomes = await drained;
    expect(outcomes.map((o) => o.id).slice(1)).toEqual(late);
    expect(outcomes.map((o) => (o.result as { n: number }).n)).toEqual([0, 1, 2, 3]);
  });

  it('processQueue reports a failing message in its outcome and delivers the rest', async () => {
    const a = await connected();
    a.queueMessage({ type: 'agent.process', data: { fail: true, message: 'nope' } });
    a.queueMessage({ type: 'agent.process', data: { n: 2 } });
    const [bad, good] = await a.processQueue();
    expect(bad?.ok).toBe(false);
    expect(bad?.error?.code).toBe('ERR_AGENT');
    expect(good).toMatchObject({ ok: true, result: { n: 2 } });
  });

  it('sendMessageWithResponse resolves with the reply frame matched by id', async () => {
    const a = await connected();
    const reply = await a.sendMessageWithResponse({ type: 'agent.process', data: { x: 1 } }, 'agent.result');
    expect(reply.type).toBe('agent.result');
    expect(typeof reply.id).toBe('string');
    expect(reply.result).toEqual({ x: 1 });
    const pong = await a.sendMessageWithResponse({ type: 'agent.ping' }, 'agent.pong');
    expect(pong.type).toBe('agent.pong');
    expect(typeof pong.loop_lag_ms).toBe('number');
    const err = await rejection(a.sendMessageWithResponse({ type: 'agent.process', data: 1 }, 'agent.pong'));
    expect(err.code).toBe('ERR_PROTOCOL');
  });

  it('getMetrics counts messages, errors and latency; control frames are not counted', async () => {
    const a = await connected();
    for (let i = 0; i < 5; i++) await a.process(i);
    await rejection(a.process({ fail: true }));
    await a.ping(5000);
    const workerMetrics = await a.fetchMetrics();
    const m = a.getMetrics();
    expect(m.messagesSent).toBe(6);
    expect(m.messagesReceived).toBe(6);
    expect(m.errors).toBe(1);
    expect(m.averageResponseTime).toBeGreaterThan(0);
    expect(m.p50).toBeGreaterThan(0);
    expect(m.p50).toBeLessThanOrEqual(m.p95);
    expect(m.p95).toBeLessThanOrEqual(m.p99);
    expect(Date.now() - m.lastMessageTime).toBeLessThan(60_000);
    expect(m.inFlight).toBe(0);
    expect(workerMetrics.messages_received).toBe(6); // the ping did not count there either
    expect(workerMetrics.rss_bytes).toBeGreaterThan(1_000_000);
    a.resetMetrics();
    const z = a.getMetrics();
    expect([z.messagesSent, z.messagesReceived, z.errors, z.averageResponseTime, z.p99, z.lastMessageTime]).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('ping() reports the worker loop lag, in-flight and queue size', async () => {
    const a = await connected({ concurrency: 1 });
    const slow = a.process({ sleep_ms: 1000 });
    const queued = a.process({ sleep_ms: 1 });
    await sleep(50);
    const pong = await a.ping(5000);
    expect(pong.inFlight).toBe(1);
    expect(pong.queueSize).toBe(1);
    expect(pong.loopLagMs).toBeGreaterThanOrEqual(0);
    await Promise.all([slow, queued]);
  });
});

describe('GreenletBridgeAdapter: output and stop', () => {
  it('noisy agent output arrives as output lines and never corrupts replies', async () => {
    const a = await connected({ agent: 'noisy_agent:NoisyAgent' });
    const lines: string[] = [];
    a.on('output', (ev: { stream: string; line: string }) => lines.push(ev.line));
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => a.process({ i, lines: 3 })));
    expect(results.map((r) => (r.result as { i: number }).i)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    await waitFor(() => lines.filter((l) => l.includes('noisy raw fd-1 write')).length === 20, 'the 20 raw writes as log lines');
    expect(lines).toContain('noisy print line 1 of 3');
    expect(lines.some((l) => l.includes('"id":"forged"'))).toBe(true);
    expect(a.getMetrics().protocolErrors).toBe(0);
    expect(a.getMetrics().outputLines).toBeGreaterThanOrEqual(20 * 6);
  });

  it('disconnect() lets in-flight work finish, then the worker exits 0', async () => {
    const a = await connected();
    const work = [100, 200, 300].map((ms) => a.process({ sleep_ms: ms }));
    await sleep(20);
    const exits: Array<{ code: number | null; pendingIds: string[] }> = [];
    a.on('exit', (ev) => exits.push(ev));
    await a.disconnect();
    const results = await Promise.all(work);
    expect(results.map((r) => (r.result as { sleep_ms: number }).sleep_ms)).toEqual([100, 200, 300]);
    expect(exits).toEqual([{ code: 0, signal: null, pendingIds: [] }]);
    expect(a.getMetrics().lateReplies).toBe(0); // agent.stopped was expected
    expect(a.getMetrics().protocolErrors).toBe(0);
    expect(a.connected).toBe(false);
    expect((await rejection(a.process(1))).code).toBe('ERR_NOT_CONNECTED');
  });

  it('disconnect() terminates a worker that cannot drain within the limit', async () => {
    const a = await connected({ agent: 'cpu_agent:CpuAgent', killGrace: 300 });
    const spin = a.process({ spin_ms: 20_000 });
    await sleep(100);
    const exits: Array<{ signal: string | null; pendingIds: string[] }> = [];
    a.on('exit', (ev) => exits.push(ev));
    await a.disconnect({ timeout: 200 });
    const err = await rejection(spin);
    expect(err.code).toBe('ERR_WORKER_CRASHED');
    expect(['SIGTERM', 'SIGKILL']).toContain(exits[0]?.signal);
    expect(exits[0]?.pendingIds.length).toBe(1);
  });

  it('constructor options are checked and the error names the option', () => {
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ agent: 'no-colon' }, 'agent'],
      [{ agent: 'a:B', timeout: -1 }, 'timeout'],
      [{ agent: 'a:B', maxRetries: 1.5 }, 'maxRetries'],
      [{ agent: 'a:B', messageQueueSize: 0 }, 'messageQueueSize'],
      [{ agent: 'a:B', concurrency: 0 }, 'concurrency'],
      [{ agent: 'a:B', pythonPaths: 'x' }, 'pythonPaths'],
      [{ agent: 'a:B', env: { A: 1 } }, 'env'],
    ];
    for (const [opts, name] of bad) {
      let err: { code?: string; message?: string } | undefined;
      try {
        new GreenletBridgeAdapter(opts as never);
      } catch (e) {
        err = e as typeof err;
      }
      expect(err?.code, name).toBe('ERR_INVALID_OPTION');
      expect(err?.message).toContain(`options.${name}`);
    }
  });
});
