// Shared set-up for the adapter tests: real workers from python/examples (and
// the test agents in python/tests/agents, see test-agents.ts), each one killed after its test so a failing
// test never leaves a Python process spinning on the shared cores.
import { afterEach } from 'vitest';
import { GreenletBridgeAdapter, type AdapterOptions } from '../worker/adapter';

const live: GreenletBridgeAdapter[] = [];

export function makeAdapter(opts: Partial<AdapterOptions> = {}): GreenletBridgeAdapter {
  const a = new GreenletBridgeAdapter({ agent: 'echo_agent:EchoAgent', ...opts });
  live.push(a);
  return a;
}

export async function connected(opts: Partial<AdapterOptions> = {}): Promise<GreenletBridgeAdapter> {
  const a = makeAdapter(opts);
  await a.connect();
  return a;
}

afterEach(async () => {
  const all = live.splice(0);
  for (const a of all) a.kill();
  await Promise.all(all.map((a) => a.exited()));
});
