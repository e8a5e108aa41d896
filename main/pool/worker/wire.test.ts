// Worker frames are untrusted: parsing and the worker-code → engine-code mapping.
import { describe, expect, it } from 'vitest';
import {
  encodeControl,
  encodeProcess,
  errorFromFrame,
  fastResultQuote,
  fastResultValue,
  idKeyOf,
  NOT_FAST,
  RESULT_ID_START,
  parseFrame,
  parseMetrics,
  parseRegister,
  sampleOf,
  SAMPLE_CHARS,
  type Frame,
} from './wire';

describe('wire', () => {
  it('encodes agent.process with id, deadline and data as one JSON line', () => {
    const line = encodeProcess('1z', { a: 'ü' }, 250);
    expect(line.endsWith('\n')).toBe(true);
    expect(JSON.parse(line)).toEqual({ type: 'agent.process', id: '1z', deadline_ms: 250, data: { a: 'ü' } });
    expect(JSON.parse(encodeProcess('2', undefined, 0))).toEqual({ type: 'agent.process', id: '2', data: null });
    expect(JSON.parse(encodeControl('agent.cancel', '3', { target: '1z' }))).toEqual({ type: 'agent.cancel', id: '3', target: '1z' });
  });

  it("reads the worker's agent.result layout without the full parse, and only that layout", () => {
    const line = '{"type":"agent.result","id":"1z","result":{"n":1,"s":"a,\\"duration_ms\\":2}"},"duration_ms":0.012}';
    const q = fastResultQuote(line);
    expect(line.slice(RESULT_ID_START, q)).toBe('1z');
    expect(fastResultValue(line, q)).toEqual((JSON.parse(line) as Frame).result);
    const fast = (l: string) => fastResultValue(l, fastResultQuote(l));
    expect(fast('{"type":"agent.result","id":"1","result":null,"duration_ms":5}')).toBeNull();
    // Anything else takes the full parse, which keeps rejecting what it rejected.
    expect(fastResultQuote('{"type":"agent.error","id":"1","error":{}}')).toBe(-1);
    expect(fastResultQuote('{"id":"1","type":"agent.result","result":1,"duration_ms":1}')).toBe(-1);
    expect(fast('{"type":"agent.result","id":"1","result":{"a":1,"duration_ms":5}')).toBe(NOT_FAST); // cut short
    expect(fast('{"type":"agent.result","id":"1","result":1,"duration_ms":x}')).toBe(NOT_FAST);
    expect(fast('{"type":"agent.result","id":"1","result":1,"duration_ms":1,"x":2}')).toBe(NOT_FAST);
    expect(fast('{"type":"agent.result","id":"1","result":{bad},"duration_ms":1}')).toBe(NOT_FAST);
    expect(fast('{"type":"agent.result","id":"1","result":1,"duration_ms":01}')).toBe(NOT_FAST);
    expect(fast('{"type":"agent.result","id":"1","result":1,"duration_ms":1} ')).toBe(NOT_FAST);
    // a number JSON.parse would turn into Infinity leaves the fast path, so parseFrame refuses it
    expect(fast('{"type":"agent.result","id":"1","result":{"x":1e400},"duration_ms":1}')).toBe(NOT_FAST);
    expect(fast(`{"type":"agent.result","id":"1","result":${'9'.repeat(400)},"duration_ms":1}`)).toBe(NOT_FAST);
  });

  it('maps only canonical base-36 ids to request keys', () => {
    expect(idKeyOf('1z')).toBe(71);
    expect(idKeyOf((123456789).toString(36))).toBe(123456789);
    for (const bad of ['', '0', '01', '1Z', 'a-b', '1.5', ' 1', 'zzzzzzzzzzz', '\\u0031']) expect(idKeyOf(bad)).toBe(-1);
  });

  it('parseFrame names what is wrong with a line', () => {
    expect(parseFrame('{"type":"agent.pong","id":"1"}')).toEqual({ type: 'agent.pong', id: '1' });
    expect(parseFrame('nope')).toBe('line is not valid JSON');
    expect(parseFrame('"str"')).toBe('frame is not a JSON object');
    expect(parseFrame('null')).toBe('frame is not a JSON object');
    expect(parseFrame('{"type":1}')).toBe('frame has no string "type"');
    expect(parseFrame('{"type":"x","id":7}')).toBe('frame "id" is not a string');
  });

  it('a result holding a number beyond a double (JSON.parse: Infinity) turns into the agent error it is', () => {
    const frame = parseFrame(`{"type":"agent.result","id":"9","result":{"x":[1,1${'0'.repeat(400)}]}}`) as Frame;
    expect(frame).toEqual({
      type: 'agent.error',
      id: '9',
      error: { code: 'unserializable_result', message: "result not representable in JSON: number beyond a double's range at $.x[1]" },
    });
    expect(errorFromFrame(frame, 0, null).code).toBe('ERR_AGENT');
    expect((parseFrame('{"type":"agent.result","id":"8","result":-1e400}') as Frame).type).toBe('agent.error');
    // In range, or only in a string: untouched.
    expect(parseFrame('{"type":"agent.result","id":"7","result":[1.7976931348623157e+308,"1e400"]}')).toEqual({
      type: 'agent.result',
      id: '7',
      result: [1.7976931348623157e308, '1e400'],
    });
  });

  it('parseRegister rejects a malformed registration and defaults missing versions', () => {
    expect(parseRegister({ type: 'agent.register', agent_id: 'a', capabilities: ['x', 1], pid: 1 })).toMatch(/capabilities/);
    expect(parseRegister({ type: 'agent.register', capabilities: [], pid: 1 })).toMatch(/agent_id/);
    const ok = parseRegister({ type: 'agent.register', agent_id: 'a', capabilities: [], pid: 9, concurrency: 4, max_queue_size: 2 });
    expect(ok).toEqual({
      agentId: 'a',
      capabilities: [],
      pid: 9,
      versions: { python: '?', greenlet: '?', gevent: '?' },
      concurrency: 4,
      maxQueueSize: 2,
      rssBytes: 0,
    });
    const withRss = parseRegister({ type: 'agent.register', agent_id: 'a', capabilities: [], pid: 9, rss_bytes: 31_000_000 });
    expect(withRss).toMatchObject({ rssBytes: 31_000_000 });
    expect(parseRegister({ type: 'agent.register', agent_id: 'a', capabilities: [], pid: 9, rss_bytes: 'x' })).toMatchObject({ rssBytes: 0 });
  });

  it('parseMetrics reads non-numbers as 0 and refuses a missing object', () => {
    expect(parseMetrics({ type: 'agent.metrics' })).toMatch(/not an object/);
    const m = parseMetrics({ type: 'agent.metrics', metrics: { rss_bytes: 5, in_flight: 'x' } });
    expect(m).toMatchObject({ rss_bytes: 5, in_flight: 0, messages_received: 0 });
  });

  it('maps worker error codes to engine codes; only transient ones are retryable', () => {
    const err = (code: string, extra: Record<string, unknown> = {}) =>
      errorFromFrame({ type: 'agent.error', id: '1', error: { code, message: 'm', ...extra } } as Frame, 100, 10);
    const cases: Array<[string, string, boolean]> = [
      ['agent_exception', 'ERR_AGENT', false],
      ['unserializable_result', 'ERR_AGENT', false],
      ['queue_full', 'ERR_WORKER_QUEUE_FULL', true],
      ['timeout', 'ERR_TIMEOUT', true],
      ['cancelled', 'ERR_CANCELLED', false],
      ['stopping', 'ERR_NOT_CONNECTED', true],
      ['bad_request', 'ERR_PROTOCOL', false],
      ['made_up', 'ERR_PROTOCOL', false],
    ];
    for (const [worker, engine, retryable] of cases) {
      const e = err(worker);
      expect([e.code, e.retryable], worker).toEqual([engine, retryable]);
    }
    expect(err('agent_exception', { traceback: 'Traceback…' }).details).toEqual({ pythonCode: 'agent_exception', traceback: 'Traceback…' });
    expect(errorFromFrame({ type: 'agent.error', error: 'junk' } as Frame, 1, null).code).toBe('ERR_PROTOCOL');
  });

  it('sampleOf keeps at most SAMPLE_CHARS chars and escapes what could forge or recolour a log line', () => {
    expect(sampleOf('short')).toBe('short');
    expect(sampleOf('a\nb\r\u001b[2J\u0000\u2028\u202e')).toBe('a\\u000ab\\u000d\\u001b[2J\\u0000\\u2028\\u202e');
    const long = sampleOf('y'.repeat(10_000));
    expect(long).toBe(`${'y'.repeat(SAMPLE_CHARS)}…`);
    expect(sampleOf(`${'z'.repeat(SAMPLE_CHARS - 1)}😀tail`)).toBe(`${'z'.repeat(SAMPLE_CHARS - 1)}…`); // no half surrogate pair
  });
});
