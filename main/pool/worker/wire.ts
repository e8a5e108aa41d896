// The host side of docs/protocol.md: building request frames and turning
// worker frames — untrusted input — into typed values or clear reasons.
// Hand-written checks instead of a schema library: this runs per message on
// the hot path, and each check names the field it rejects.
import { errors, type PoolError } from '../errors';

export type Frame = { type: string; id?: string } & Record<string, unknown>;

export interface RegisterInfo {
  agentId: string;
  capabilities: string[];
  pid: number;
  versions: { python: string; greenlet: string; gevent: string };
  concurrency: number;
  maxQueueSize: number;
  rssBytes: number; // resident memory at start-up (0 from a worker that does not report it)
}

export interface PongInfo {
  loopLagMs: number;
  inFlight: number;
  queueSize: number;
}

/** agent.metrics as the worker names the fields (docs/protocol.md); non-numbers read as 0. */
export interface WorkerMetrics {
  messages_received: number;
  messages_sent: number;
  errors: number;
  uptime_s: number;
  queue_size: number;
  in_flight: number;
  rss_bytes: number;
  loop_lag_ms: number;
  max_queue_size: number;
  concurrency: number;
}

/** One `agent.process` line. Throws ERR_PROTOCOL when data cannot be sent as JSON. */
export function encodeProcess(id: string, data: unknown, deadlineMs: number): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(data);
  } catch (err) {
    throw errors.protocol(`message data is not JSON-serialisable: ${(err as Error).message}`);
  }
  // Ids are base-36 counters, safe to splice without escaping.
  return PROCESS_HEAD + id + deadlinePart(deadlineMs) + (json ?? 'null') + '}\n';
}

const PROCESS_HEAD = '{"type":"agent.process","id":"';
// Every message of a pool usually carries the same deadline: its piece of the frame is built once.
let lastDeadline = 0;
let lastDeadlinePart = '","data":';
function deadlinePart(deadlineMs: number): string {
  if (deadlineMs !== lastDeadline) {
    lastDeadline = deadlineMs;
    lastDeadlinePart = deadlineMs > 0 ? `","deadline_ms":${deadlineMs},"data":` : '","data":';
  }
  return lastDeadlinePart;
}

export function encodeControl(type: string, id: string, extra?: Record<string, unknown>): string {
  return JSON.stringify({ type, id, ...extra }) + '\n';
}

/** Parses one line; returns a reason string when it is not a frame. */
export function parseFrame(line: string): Frame | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'line is not valid JSON';
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'frame is not a JSON object';
  if (typeof (value as { type?: unknown }).type !== 'string') return 'frame has no string "type"';
  const id = (value as { id?: unknown }).id;
  if (id !== undefined && typeof id !== 'string') return 'frame "id" is not a string';
  if ((value as Frame).type === 'agent.result' && MAY_OVERFLOW.test(line)) return refuseNonFinite(value as Frame);
  return value as Frame;
}

// A number overflows a double only with 309+ integer digits or a 3-digit exponent: the
// cheap test keeps the walk off the hot path. greenlet_a2a's codec refuses such results
// itself; this catches any other worker, whose 1e400 JSON.parse would turn into
// Infinity (and JSON.stringify later into null) without a word.
const MAY_OVERFLOW = /(?<!\d)\d{309}|[eE]\+?\d{3}/; // lookbehind: tried only where a digit run starts (linear)

function nonFinitePath(v: unknown, path: string): string | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? undefined : path;
  if (v === null || typeof v !== 'object') return undefined;
  for (const [k, x] of Object.entries(v)) {
    const found = nonFinitePath(x, Array.isArray(v) ? `${path}[${k}]` : `${path}.${k}`);
    if (found) return found;
  }
  return undefined;
}

function refuseNonFinite(frame: Frame): Frame {
  const path = nonFinitePath(frame.result, '$');
  if (path === undefined) return frame;
  const message = `result not representable in JSON: number beyond a double's range at ${path}`;
  return { type: 'agent.error', id: frame.id, error: { code: 'unserializable_result', message } };
}

// The worker's own agent.result layout (python/greenlet_a2a/runtime.py `_reply_result`):
// {"type":"agent.result","id":"<id>","result":<json>,"duration_ms":<number>}
const RESULT_HEAD = '{"type":"agent.result","id":"';
const RESULT_MID = '","result":';
const DURATION = ',"duration_ms":';
const NUMBER_TO_END = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?\}$/y;
/** Returned by fastResultValue when the line must take the full parse. */
export const NOT_FAST: unique symbol = Symbol('not fast');

/**
 * Where the id of a line laid out exactly as the worker writes agent.result ends (the index of
 * its closing quote), or -1. The id runs from RESULT_ID_START to there; the caller uses the fast
 * path only when that id names a pending request (idKey: the host's ids are plain base-36).
 */
export function fastResultQuote(line: string): number {
  if (!line.startsWith(RESULT_HEAD)) return -1;
  const q = line.indexOf('"', RESULT_HEAD.length);
  return q > 0 && line.startsWith(RESULT_MID, q) ? q : -1;
}
export const RESULT_ID_START = RESULT_HEAD.length;

/**
 * The number a host-issued id stands for: `line[from, to)` in canonical base 36 (digits and
 * lower-case letters, no leading zero, at most 10 chars so it stays exact), else -1. Request
 * tables key on this number; an id in any other spelling ("0a", "A", "1.5") maps to -1 and so
 * never matches a request, as a string key would not have either.
 */
export function idKeyOf(text: string, from = 0, to = text.length): number {
  const len = to - from;
  if (len < 1 || len > 10 || text.charCodeAt(from) === 48) return -1; // empty, too long, leading '0'
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) n = n * 36 + (c - 48);
    else if (c >= 97 && c <= 122) n = n * 36 + (c - 87);
    else return -1;
  }
  return n;
}

/**
 * The `result` of an agent.result line whose id ends at `quote` (fastResultQuote), parsing only that value
 * (not the envelope: a reply's JSON.parse was the host's largest cost per message). NOT_FAST when
 * the rest of the line is not exactly the layout: the caller then parses it in full, so a line
 * the full parse rejects is still rejected with the same reason. Sound because the line is then
 * a fixed head, a JSON value and a JSON number in a fixed frame, which is valid JSON.
 */
export function fastResultValue(line: string, quote: number): unknown {
  const start = quote + RESULT_MID.length;
  const d = line.lastIndexOf(DURATION);
  if (d <= start) return NOT_FAST;
  NUMBER_TO_END.lastIndex = d + DURATION.length;
  if (!NUMBER_TO_END.test(line)) return NOT_FAST;
  if (MAY_OVERFLOW.test(line)) return NOT_FAST; // parseFrame refuses a number JSON would turn into Infinity
  try {
    return JSON.parse(line.slice(start, d));
  } catch {
    return NOT_FAST;
  }
}

const num = (v: unknown, fallback = 0): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);

export function parseRegister(frame: Frame): RegisterInfo | string {
  if (typeof frame.agent_id !== 'string') return 'agent.register: "agent_id" is not a string';
  const caps = frame.capabilities;
  if (!Array.isArray(caps) || !caps.every((c) => typeof c === 'string')) return 'agent.register: "capabilities" is not a string array';
  if (typeof frame.pid !== 'number') return 'agent.register: "pid" is not a number';
  const v = (frame.versions ?? {}) as Record<string, unknown>;
  return {
    agentId: frame.agent_id,
    capabilities: caps as string[],
    pid: frame.pid,
    versions: { python: str(v.python, '?'), greenlet: str(v.greenlet, '?'), gevent: str(v.gevent, '?') },
    concurrency: num(frame.concurrency),
    maxQueueSize: num(frame.max_queue_size),
    rssBytes: Math.max(0, num(frame.rss_bytes)),
  };
}

export function parsePong(frame: Frame): PongInfo {
  return { loopLagMs: num(frame.loop_lag_ms), inFlight: num(frame.in_flight), queueSize: num(frame.queue_size) };
}

export function parseMetrics(frame: Frame): WorkerMetrics | string {
  const m = frame.metrics;
  if (m === null || typeof m !== 'object') return 'agent.metrics: "metrics" is not an object';
  const r = m as Record<string, unknown>;
  const out = {} as WorkerMetrics;
  for (const key of METRIC_KEYS) out[key] = num(r[key]);
  return out;
}

const METRIC_KEYS: ReadonlyArray<keyof WorkerMetrics> = [
  'messages_received',
  'messages_sent',
  'errors',
  'uptime_s',
  'queue_size',
  'in_flight',
  'rss_bytes',
  'loop_lag_ms',
  'max_queue_size',
  'concurrency',
];

/** `agent.error` → PoolError with the engine's code; unknown worker codes stay visible in the message. */
export function errorFromFrame(frame: Frame, timeoutMs: number, maxQueueSize: number | null): PoolError {
  const e = (frame.error ?? {}) as Record<string, unknown>;
  const code = str(e.code, 'unknown');
  const message = str(e.message, 'worker reported an error without a message');
  const traceback = typeof e.traceback === 'string' ? e.traceback : undefined;
  switch (code) {
    case 'agent_exception':
      return errors.agent(message, traceback);
    case 'unserializable_result':
      return errors.agent(message, traceback, code);
    case 'queue_full':
      return errors.workerQueueFull(maxQueueSize, 'worker');
    case 'timeout':
      return errors.timeout(timeoutMs, 'the worker killed the greenlet');
    case 'cancelled':
      return errors.cancelled(`Cancelled in the worker: ${message}`);
    case 'stopping':
      return errors.notConnected(`Worker is stopping and refused the message: ${message}`);
    case 'bad_request':
      return errors.protocol(`worker rejected the request: ${message}`);
    default:
      return errors.protocol(`worker answered unknown error code "${code}": ${message}`);
  }
}

// Enough of a bad line to recognise it in a log, short enough that a hostile worker cannot
// flood the log with it.
export const SAMPLE_CHARS = 120;

// C0/C1 controls, line/paragraph separators and bidi overrides: raw, they could forge log
// lines, recolour a terminal or reorder what an operator reads.
// eslint-disable-next-line no-control-regex -- matching control characters is this pattern's job
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** A short, printable piece of an offending line for logs and events: at most `max` chars, controls escaped. */
export function sampleOf(line: string, max = SAMPLE_CHARS): string {
  let head = line.length > max ? line.slice(0, max) : line;
  if (/[\ud800-\udbff]$/.test(head)) head = head.slice(0, -1); // never end on half a surrogate pair
  const printable = head.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return line.length > max ? `${printable}…` : printable;
}
