// Large data-part values travel through the A2A SDK as JSON text, not as objects.
//
// Why: @a2a-js/sdk 1.3 deep-copies a task with structuredClone about a dozen
// times per message (the request, the user message, each event, and the whole
// task once per event for push notifications even when they are off:
// server/index.js ResultManager, _processEvents). structuredClone of one 1 MiB
// `[{},{},…]` (350k objects) takes ~0.7 s on this machine, so one message of it
// blocked the loop for seconds (issue 9). A string of the same JSON clones in
// microseconds.
//
// How: a data value whose JSON is at least LEAN_MIN_CHARS long is replaced, on
// the way in (request body) and out (agent result), by a holder that is plain
// data, `{ [key]: text }` for an object or `[key, text]` for an array (so the
// SDK's v0.3 translation still sees an object or an array). The executor turns
// holders back into values for the agent (the value parsed from the request
// when it is still around, else by parsing the text); every response body the
// gateway sends (JSON and SSE) has each holder spliced back into the raw JSON
// text, so clients see exactly the JSON they would have seen. The key carries a
// random per-process nonce: a client cannot forge a holder.
import { randomBytes } from 'node:crypto';
import type { RequestHandler } from 'express';

export const LEAN_MIN_CHARS = 16 * 1024;
// How much longer a value's JSON.stringify can be than its text in a body: only numbers grow
// (`1e20`, 4 bytes, is written out as 21 digits); strings and structure never do.
const MAX_JSON_GROWTH = 6;

/**
 * Whether a request body `length` long (bytes or chars) can hold a value LEAN_MIN_CHARS long once
 * serialized. Most bodies are a few hundred bytes: they skip leanRequestBody's JSON.stringify of
 * each data part. (Only a matter of cost: a value that stayed an object still crosses the SDK.)
 */
export const mayHoldLean = (length: number): boolean => length * MAX_JSON_GROWTH >= LEAN_MIN_CHARS;
// A holder's key is `${PREFIX}<id>`; the id finds the value parsed from the request body.
const PREFIX = `gcc-json-${randomBytes(12).toString('base64url')}:`;
const QUOTED_PREFIX = `"${PREFIX}`;

type ObjectHolder = Record<string, string>; // exactly one key, starting with PREFIX
type ArrayHolder = [string, string]; // [key, text]

function holderKeyOf(v: unknown): string | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  if (Array.isArray(v)) {
    return v.length === 2 && typeof v[0] === 'string' && v[0].startsWith(PREFIX) && typeof v[1] === 'string' ? v[0] : undefined;
  }
  for (const k in v) return k.startsWith(PREFIX) && typeof (v as ObjectHolder)[k] === 'string' ? k : undefined; // first key only
  return undefined;
}

// The values parsed from request bodies, by holder id, while their request lives (body.ts keeps
// them in res.locals): the executor then needs no second parse. Weak, so a value nobody holds any
// more (request over) is collected and fromLean parses the text instead.
const parsedValues = new Map<string, WeakRef<object>>();
const forget = new FinalizationRegistry<string>((id) => parsedValues.delete(id));
let nextId = 0;

/**
 * `value`, or its holder when it is an object or array with JSON of at least
 * LEAN_MIN_CHARS. With `keep`, fromLean may hand back `value` itself (same object).
 */
export function toLean(value: unknown, keep = false): unknown {
  if (typeof value !== 'object' || value === null || holderKeyOf(value) !== undefined) return value;
  const text = JSON.stringify(value);
  if (text.length < LEAN_MIN_CHARS) return value;
  const id = (nextId++).toString(36);
  if (keep) {
    parsedValues.set(id, new WeakRef(value));
    forget.register(value, id);
  }
  const key = PREFIX + id;
  return Array.isArray(value) ? ([key, text] satisfies ArrayHolder) : ({ [key]: text } satisfies ObjectHolder);
}

/** The value a holder stands for; anything else as it is. */
export function fromLean(value: unknown): unknown {
  const key = holderKeyOf(value);
  if (key === undefined) return value;
  const kept = parsedValues.get(key.slice(PREFIX.length))?.deref();
  if (kept) return kept;
  return JSON.parse(Array.isArray(value) ? (value[1] as string) : ((value as ObjectHolder)[key] as string));
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Replaces large data-part values in a parsed JSON-RPC message request, in place:
 * v1.0 parts `{ data }`, v0.3 parts `{ kind: 'data', data }` (with the SDK's
 * `data_part_compat` wrapping `{ value }` for non-objects kept intact). Returns
 * the values replaced: the caller keeps them for the request's lifetime.
 */
export function leanRequestBody(body: unknown): unknown[] {
  const replaced: unknown[] = [];
  if (!isPlainObject(body) || !isPlainObject(body.params) || !isPlainObject(body.params.message)) return replaced;
  const parts = body.params.message.parts;
  if (!Array.isArray(parts)) return replaced;
  const lean = (v: unknown) => {
    const held = toLean(v, true);
    if (held !== v) replaced.push(v);
    return held;
  };
  for (const p of parts as unknown[]) {
    if (!isPlainObject(p) || !('data' in p)) continue;
    const compat = isPlainObject(p.metadata) && p.metadata.data_part_compat === true && isPlainObject(p.data) && 'value' in p.data;
    if (compat) (p.data as Record<string, unknown>).value = lean((p.data as Record<string, unknown>).value);
    else p.data = lean(p.data);
  }
  return replaced;
}

/** End index of the JSON string literal opening at `start` (its closing quote). */
function stringEnd(text: string, start: number): number {
  let j = start + 1;
  for (;;) {
    j = text.indexOf('"', j);
    if (j < 0) return -1;
    let backslashes = 0;
    while (text.charCodeAt(j - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return j;
    j++;
  }
}

/** JSON text with every serialized holder replaced by the raw JSON it holds. */
export function expandLean(text: string): string {
  // No holder made yet in this process, none can be in the text (a client cannot know the nonce):
  // the common case of small messages skips the scan of every reply (~1 µs for a task).
  if (nextId === 0) return text;
  let k = text.indexOf(QUOTED_PREFIX);
  if (k < 0) return text;
  let out = '';
  let from = 0;
  while (k >= 0) {
    const keyEnd = text.indexOf('"', k + QUOTED_PREFIX.length); // ids are base-36: no escapes
    const open = text[k - 1];
    const sep = keyEnd < 0 ? undefined : text[keyEnd + 1];
    const strStart = keyEnd + 2;
    const end = sep !== undefined && text[strStart] === '"' ? stringEnd(text, strStart) : -1;
    const close = end < 0 ? undefined : text[end + 1];
    if ((open === '{' && sep === ':' && close === '}') || (open === '[' && sep === ',' && close === ']')) {
      out += text.slice(from, k - 1) + (JSON.parse(text.slice(strStart, end + 1)) as string);
      from = end + 2;
    }
    k = text.indexOf(QUOTED_PREFIX, Math.max(from, k + 1));
  }
  return out + text.slice(from);
}

/** Every JSON body and SSE event the gateway writes gets its holders expanded. */
export const expandLeanResponses: RequestHandler = (_req, res, next) => {
  res.json = (body: unknown) => {
    if (!res.get('Content-Type')) res.set('Content-Type', 'application/json');
    const text = JSON.stringify(body) as string | undefined;
    return res.send(text === undefined ? undefined : expandLean(text));
  };
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  res.write = ((chunk: unknown, ...rest: unknown[]) =>
    write(typeof chunk === 'string' && nextId > 0 && chunk.includes(QUOTED_PREFIX) ? expandLean(chunk) : chunk, ...rest)) as typeof res.write;
  next();
};
