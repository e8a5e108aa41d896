// GreenletBridgeAdapter guard paths against real workers: start-up failures
// with the real Python text, deadlines, cancel, crashes, retries, and
// malformed frames from the worker.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RetryEvent } from './adapter';
import { connected, makeAdapter } from '../test-support/adapter-test-kit';
import { rawPipeAgentsDir, testAgentsDir } from '../test-support/test-agents';
import { rejection, sleep, waitFor } from '../../../common/test-support/wait';

describe('GreenletBridgeAdapter: start-up failures carry the real error', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'gcc-adapter-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('a missing interpreter path names the path and says it was not found', async () => {
    const err = await rejection(makeAdapter({ pythonPath: join(tmp, 'no-such-python') }).connect());
    expect(err.code).toBe('ERR_START_FAILED');
    expect(err.message).toContain('Python interpreter not found');
    expect(err.message).toContain('no-such-python');
    expect(err.message).toContain('ENOENT');
  });

  it('an agent module that fails to import reports its ImportError', async () => {
    const err = await rejection(makeAdapter({ agent: 'bad_import_agent:BadImportAgent' }).connect());
    expect(err.code).toBe('ERR_START_FAILED');
    expect(err.message).toContain("No module named 'greenlet_a2a_missing_dependency'");
    expect((err.details as { traceback?: string }).traceback).toMatch(/Traceback/);
  });

  it('a class missing from its module is reported by name', async () => {
    const err = await rejection(makeAdapter({ agent: 'echo_agent:NoSuchAgent' }).connect());
    expect(err.code).toBe('ERR_START_FAILED');
    expect(err.message).toContain('NoSuchAgent');
  });

  it('a Python without greenlet/gevent reports the missing module', async () => {
    const venv = join(tmp, 'bare-venv');
    execFileSync('python3', ['-m', 'venv', '--without-pip', venv]);
    const err = await rejection(makeAdapter({ pythonPath: join(venv, 'bin', 'python') }).connect());
    expect(err.code).toBe('ERR_START_FAILED');
    expect(err.message).toMatch(/No module named '(greenlet|gevent)'/);
    expect(err.message).toContain('bare-venv');
  });

  it('a worker that does not register in time fails with ERR_START_FAILED and is killed', async () => {
    const a = makeAdapter({ agent: 'slow_start_agent:Never', pythonPaths: [testAgentsDir], startTimeout: 300 });
    const err = await rejection(a.connect());
    expect(err.code).toBe('ERR_START_FAILED');
    expect(err.message).toMatch(/did not register within 300 ms/);
    await a.exited();
    expect(a.connected).toBe(false);
  });
});

describe('GreenletBridgeAdapter: deadlines, cancel and crashes', () => {
  it('a run deadline rejects ERR_TIMEOUT and the worker killed the greenlet', async () => {
    const a = await connected();
    const err = await rejection(a.process({ sleep_ms: 5000 }, { timeout: 200 }));
    expect(err.code).toBe('ERR_TIMEOUT');
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/killed the greenlet/);
    const m = await a.fetchMetrics();
    expect(m.in_flight).toBe(0);
    expect(a.inFlight).toBe(0);
    expect((await a.process('still serving')).result).toBe('still serving');
  });

  it('when the hub is blocked the host-side deadline fires and sends agent.cancel', async () => {
    const a = await connected({ agent: 'cpu_agent:CpuAgent', hostTimeoutGrace: 100 });
    const err = await rejection(a.process({ spin_ms: 20_000 }, { timeout: 150 }));
    expect(err.code).toBe('ERR_TIMEOUT');
    expect(err.message).toMatch(/did not answer within the deadline/);
    expect(a.getMetrics().timeouts).toBe(1);
    expect(a.inFlight).toBe(0);
    const ping = await rejection(a.ping(150));
    expect(ping.code).toBe('ERR_TIMEOUT');
    expect(ping.message).toMatch(/hub may be blocked/);
  });

  it('aborting the signal rejects ERR_CANCELLED and cancels the greenlet in the worker', async () => {
    const a = await connected();
    const ac = new AbortController();
    const p = a.process({ sleep_ms: 5000 }, { signal: ac.signal });
    await sleep(50);
    ac.abort();
    const err = await rejection(p);
    expect(err.code).toBe('ERR_CANCELLED');
    await waitFor(async () => (await a.fetchMetrics()).in_flight === 0, 'the worker to report nothing in flight');
    expect(a.inFlight).toBe(0);
    // The target's own 'cancelled' reply arrives after the caller gave up: late, not a protocol error;
    // the cancel request's reply is expected and counts as neither.
    await waitFor(() => a.getMetrics().lateReplies === 1, 'the late reply to be counted');
    expect(a.getMetrics().protocolErrors).toBe(0);
  });

  it('an already aborted signal rejects without sending anything', async () => {
    const a = await connected();
    const err = await rejection(a.process(1, { signal: AbortSignal.abort() }));
    expect(err.code).toBe('ERR_CANCELLED');
    expect(a.getMetrics().messagesSent).toBe(0);
  });

  it('kill -9 of the worker rejects every pending message ERR_WORKER_CRASHED', async () => {
    const a = await connected();
    const exits: Array<{ signal: string | null; pendingIds: string[] }> = [];
    a.on('exit', (ev) => exits.push(ev));
    const pending = Array.from({ length: 5 }, (_, i) => a.process({ i, sleep_ms: 5000 }));
    await sleep(50);
    process.kill(a.pid!, 'SIGKILL');
    const errs = await Promise.all(pending.map(rejection));
    expect(errs.map((e) => e.code)).toEqual(Array(5).fill('ERR_WORKER_CRASHED'));
    expect(errs.every((e) => e.retryable)).toBe(true);
    expect(exits).toHaveLength(1);
    expect(exits[0]?.signal).toBe('SIGKILL');
    expect(exits[0]?.pendingIds).toHaveLength(5);
    expect(a.inFlight).toBe(0);
    expect(a.getMetrics().errors).toBe(5);
  });
});

describe('GreenletBridgeAdapter: retries', () => {
  // The backoff formula itself is tested in ../retry-policy.test.ts.
  it('retries after the worker queue refused the message, then succeeds', async () => {
    const a = await connected({ concurrency: 1, workerQueueSize: 0, retryDelay: 100, maxRetries: 6 });
    const retries: RetryEvent[] = [];
    a.on('retry', (ev: RetryEvent) => retries.push(ev));
    const busy = a.process({ sleep_ms: 250 });
    await sleep(30);
    const reply = await a.sendMessageWithResponse({ type: 'agent.process', data: { n: 1 } }, 'agent.result');
    expect(reply.result).toEqual({ n: 1 });
    expect(retries.length).toBeGreaterThan(0);
    expect(retries.every((r) => r.error.code === 'ERR_WORKER_QUEUE_FULL')).toBe(true);
    expect(retries.map((r) => r.attempt)).toEqual(retries.map((_, i) => i + 1));
    await busy;
  });

  it('retries after the worker was killed mid-flight, on a restarted worker', async () => {
    const a = await connected({ retryDelay: 50 });
    const firstPid = a.pid;
    const retries: RetryEvent[] = [];
    a.on('retry', (ev: RetryEvent) => retries.push(ev));
    const reply = a.sendMessageWithResponse({ type: 'agent.process', data: { sleep_ms: 300, n: 9 } }, 'agent.result');
    await sleep(100);
    process.kill(firstPid!, 'SIGKILL');
    const frame = await reply;
    expect(frame.result).toEqual({ sleep_ms: 300, n: 9 });
    expect(retries.map((r) => r.error.code)).toEqual(['ERR_WORKER_CRASHED']);
    expect(a.pid).not.toBe(firstPid);
    expect(a.connected).toBe(true);
  });

  it('gives up after maxRetries with the last retryable error', async () => {
    const a = await connected({ agent: 'crash_agent:CrashAgent', retryDelay: 10, maxRetries: 2 });
    const retries: RetryEvent[] = [];
    a.on('retry', (ev: RetryEvent) => retries.push(ev));
    const err = await rejection(a.sendMessageWithResponse({ type: 'agent.process', data: { crash: true } }, 'agent.result'));
    expect(err.code).toBe('ERR_WORKER_CRASHED');
    expect(retries).toHaveLength(2);
  });

  it('never retries a run deadline (retry-policy.ts: the work may have side effects and would time out again)', async () => {
    const a = await connected({ retryDelay: 10, maxRetries: 3 });
    const retries: RetryEvent[] = [];
    a.on('retry', (ev: RetryEvent) => retries.push(ev));
    const err = await rejection(a.sendMessageWithResponse({ type: 'agent.process', data: { sleep_ms: 5000 } }, 'agent.result', 3, { timeout: 150 }));
    expect(err.code).toBe('ERR_TIMEOUT');
    expect(retries).toHaveLength(0);
    expect(a.getMetrics().messagesSent).toBe(1);
  });

  it('never retries an agent exception', async () => {
    const a = await connected({ retryDelay: 10 });
    const retries: RetryEvent[] = [];
    a.on('retry', (ev: RetryEvent) => retries.push(ev));
    const err = await rejection(a.sendMessageWithResponse({ type: 'agent.process', data: { fail: true, message: 'boom' } }, 'agent.result'));
    expect(err.code).toBe('ERR_AGENT');
    expect(err.message).toContain('boom');
    expect((err.details as { traceback?: string }).traceback).toMatch(/RuntimeError: boom/);
    expect(retries).toHaveLength(0);
    expect(a.getMetrics().messagesSent).toBe(1);
  });
});

describe('GreenletBridgeAdapter: untrusted worker output', () => {
  const garbage = { agent: 'garbage_agent:GarbageAgent', pythonPaths: [rawPipeAgentsDir] };

  it('malformed frames are counted and reported, and never break the channel', async () => {
    const a = await connected({ ...garbage, maxFrameBytes: 4096 });
    const reports: Array<{ reason: string; sample: string }> = [];
    a.on('protocol-error', (ev: { reason: string; sample: string }) => reports.push(ev));
    const lines = [
      'not json at all',
      '[1,2,3]',
      '{"no":"type"}',
      '{"type":"agent.result","id":"zzzzzz","result":1}',
      '{"type":"agent.result","id":5}',
      'x'.repeat(10_000),
    ];
    const out = await a.process({ garbage: lines, garbage_hex: 'fffe7b0a' });
    expect(out.result).toEqual({ wrote: lines.length });
    await waitFor(() => reports.length >= lines.length + 1, 'every line reported');
    const reasons = reports.map((r) => r.reason).join('\n');
    expect(reasons).toMatch(/not valid JSON/);
    expect(reasons).toMatch(/not a JSON object/);
    expect(reasons).toMatch(/no string "type"/);
    expect(reasons).toMatch(/unknown id "zzzzzz"/);
    expect(reasons).toMatch(/"id" is not a string/);
    expect(reasons).toMatch(/exceeds maxFrameBytes/);
    expect(a.getMetrics().protocolErrors).toBe(reports.length);
    expect(a.connected).toBe(true);
    expect((await a.process({ after: 'garbage' })).result).toEqual({ after: 'garbage' });
  });

  it('a reply longer than maxFrameBytes fails its own request at once with ERR_PROTOCOL', async () => {
    const a = await connected({ maxFrameBytes: 4096 });
    const err = await rejection(a.process({ big: 'y'.repeat(8000) }, { timeout: 60_000 }));
    expect(err.code).toBe('ERR_PROTOCOL');
    expect(err.message).toMatch(/exceeds maxFrameBytes/);
    expect((await a.process('small')).result).toBe('small');
  });

  it('garbage before agent.register does not stop the worker from connecting', async () => {
    const a = makeAdapter({ ...garbage, env: { GCC_GARBAGE_AT_START: '1' } });
    const reports: string[] = [];
    a.on('protocol-error', (ev: { reason: string }) => reports.push(ev.reason));
    const info = await a.connect();
    expect(info.agentId).toBe('garbage');
    expect(reports).toEqual(['line is not valid JSON']);
    expect((await a.process(42)).result).toBe(42);
  });
});
