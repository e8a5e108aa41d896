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
// data, `{ [KEY]: text }` for an object or `[KEY, text]` for an array (so the
// SDK's v0.3 translation still sees an object or an array). The executor turns
// holders back into values for the agent; every response body the gateway sends
// (JSON and SSE) has each holder spliced back into the raw JSON text, so clients
// see exactly the JSON they would have seen. KEY carries a random per-process
// nonce: a client cannot forge a holder.
import { randomBytes } from 'node:crypto';
import type { RequestHandler } from 'express';

export const LEAN_MIN_CHARS = 16 * 1024;
const KEY = `gcc-json-${randomBytes(12).toString('base64url')}`;
const QUOTED_KEY = `"${KEY}"`;

type ObjectHolder = { [KEY]: string };
type ArrayHolder = [typeof KEY, string];

const isObjectHolder = (v: unknown): v is ObjectHolder =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as Record<string, unknown>)[KEY] === 'string';
const isArrayHolder = (v: unknown): v is ArrayHolder => Array.isArray(v) && v.length === 2 && v[0] === KEY && typeof v[1] === 'string';

/** `value`, or its holder when it is an object or array with JSON of at least LEAN_MIN_CHARS. */
export function toLean(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || isObjectHolder(value) || isArrayHolder(value)) return value;
  const text = JSON.stringify(value);
  if (text.length < LEAN_MIN_CHARS) return value;
  return Array.isArray(value) ? ([KEY, text] satisfies ArrayHolder) : ({ [KEY]: text } satisfies ObjectHolder);
}

/** The value a holder stands for; anything else as it is. */
export function fromLean(value: unknown): unknown {
  if (isObjectHolder(value)) return JSON.parse(value[KEY] as string); // checked by isObjectHolder
  if (isArrayHolder(value)) return JSON.parse(value[1]);
  return value;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Replaces large data-part values in a parsed JSON-RPC message request, in place:
 * v1.0 parts `{ data }`, v0.3 parts `{ kind: 'data', data }` (with the SDK's
 * `data_part_compat` wrapping `{ value }` for non-objects kept intact).
 */
export function leanRequestBody(body: unknown): void {
  if (!isPlainObject(body) || !isPlainObject(body.params) || !isPlainObject(body.params.message)) return;
  const parts = body.params.message.parts;
  if (!Array.isArray(parts)) return;
  for (const p of parts as unknown[]) {
    if (!isPlainObject(p) || !('data' in p)) continue;
    const compat = isPlainObject(p.metadata) && p.metadata.data_part_compat === true && isPlainObject(p.data) && 'value' in p.data;
    if (compat) (p.data as Record<string, unknown>).value = toLean((p.data as Record<string, unknown>).value);
    else p.data = toLean(p.data);
  }
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
  let k = text.indexOf(QUOTED_KEY);
  if (k < 0) return text;
  let out = '';
  let from = 0;
  while (k >= 0) {
    const open = text[k - 1];
    const sep = text[k + QUOTED_KEY.length];
    const strStart = k + QUOTED_KEY.length + 1;
    const end = text[strStart] === '"' ? stringEnd(text, strStart) : -1;
    const close = end < 0 ? undefined : text[end + 1];
    if ((open === '{' && sep === ':' && close === '}') || (open === '[' && sep === ',' && close === ']')) {
      out += text.slice(from, k - 1) + (JSON.parse(text.slice(strStart, end + 1)) as string);
      from = end + 2;
    }
    k = text.indexOf(QUOTED_KEY, Math.max(from, k + 1));
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
    write(typeof chunk === 'string' && chunk.includes(QUOTED_KEY) ? expandLean(chunk) : chunk, ...rest)) as typeof res.write;
  next();
};
