// Client JSON that parses but the worker cannot take (too deep) or that JSON.parse
// would change (1e400, 2^53 + 1) is the client's fault: 400 naming the limit and
// where, before any worker sees it (issue 9). Real control plane, real worker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../transport/json-limits';
import { post, startHeadless } from './test-helpers';

let base: string;
let cleanup: () => Promise<void>;
let processed: () => Promise<number>;

beforeAll(async () => {
  const h = await startHeadless();
  ({ base, cleanup } = h);
  processed = async () => (await h.cp.handlers.getStats({})).totalMessagesProcessed;
}, 60_000);

afterAll(() => cleanup?.(), 60_000);

describe('submitTask input limits', () => {
  it(`5,000 nested arrays answer 400 ERR_JSON_TOO_DEEP naming the limit (${MAX_JSON_DEPTH}), not a worker error`, async () => {
    const before = await processed();
    const res = await post(base, 'submitTask', `{"data":${'['.repeat(5_000)}${']'.repeat(5_000)}}`);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('ERR_JSON_TOO_DEEP');
    expect(res.body.message).toContain(`${MAX_JSON_DEPTH} levels`);
    expect(res.body.issues[0].path.startsWith('$.data[0][0]')).toBe(true);
    expect(await processed()).toBe(before);
  });

  it('nesting at the limit still reaches the agent and comes back whole', async () => {
    const value = JSON.parse('['.repeat(MAX_JSON_DEPTH - 1) + ']'.repeat(MAX_JSON_DEPTH - 1));
    const res = await post(base, 'submitTask', { data: value });
    expect(res.status).toBe(200);
    expect(res.body.result).toEqual(value);
  });

  it.each([
    ['{"data":{"x":1e400}}', /Infinity/],
    ['{"data":[1,-9007199254740993]}', /2\^53/],
  ])('%s answers 400 ERR_JSON_NUMBER with the path instead of a changed value', async (body, why) => {
    const res = await post(base, 'submitTask', body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('ERR_JSON_NUMBER');
    expect(res.body.message).toMatch(why);
    expect(res.body.issues[0].path).toMatch(/^\$\.data(\.x|\[1\])$/);
  });
});
