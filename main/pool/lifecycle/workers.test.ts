// Worker lifecycle as the operator sees it in the event log: protocol errors from a worker
// name the reason and show a short, escaped sample of the offending line.
import { describe, expect, it } from 'vitest';
import { installCleanup, makePool, msg } from '../test-support/pool-test-helpers';
import { rawPipeAgentsDir } from '../test-support/test-agents';
import { waitFor } from '../../../common/test-support/wait';

installCleanup();

const garbage = { agent: 'garbage_agent:GarbageAgent', pythonPaths: [rawPipeAgentsDir] };

describe('a worker that has just started', () => {
  it('shows its RSS from agent.register, before any health sample', async () => {
    const { pool } = makePool({ healthCheckInterval: 60_000 }); // no sample for a minute
    await pool.start();
    const workers = pool.getDetailedStats().workers;
    expect(workers).toHaveLength(2);
    for (const w of workers) expect(w.rssBytes).toBeGreaterThan(1024 * 1024); // an interpreter with gevent: MBs
  });
});

describe('protocol errors in the pool log', () => {
  it('log the reason and a bounded sample with control characters escaped, not [object Object]', async () => {
    const { pool, events } = makePool({ ...garbage, minWorkers: 1, maxWorkers: 1 });
    await pool.start();
    const bad = 'oops \u001b[31mred\u001b[0m\r' + 'x'.repeat(500);
    await pool.execute(msg({ garbage: [bad] }));
    const logged = () => events.filter((e) => e.type === 'worker.output' && e.level === 'warn');
    await waitFor(() => logged().length > 0, 'a protocol-error log line');
    const line = logged()[0]!;
    expect(line.message).not.toContain('[object Object]');
    expect(line.message).toMatch(/^protocol error from worker: line is not valid JSON; sample "oops \\u001b\[31mred\\u001b\[0m\\u000dx+…"$/);
    expect(line.message.length).toBeLessThan(250); // 120 chars of sample (escapes add a few) plus the reason
    expect(line.data).toMatchObject({ reason: 'line is not valid JSON' });
  });
});
