// A2A parts <-> the agent's `process(data)` argument and return value.
// The mapping is deliberately small and predictable so a caller can tell from
// the parts it sends exactly what the Python agent receives:
//
//   one text part                 -> the string
//   one data part                 -> its value (object, array, number, ...)
//   several text parts, no data   -> the texts joined with "\n"
//   anything else (mixed / many)  -> { text?: joined texts, data?: value | value[] }
//                                    (data is the single value when there is one data
//                                    part, else the array of values in order)
//   file parts (raw bytes / url)  -> refused: the pooled agents take JSON only
//
// A string result becomes one text part (text/plain); any other JSON value one
// data part (application/json). Large data values are held as JSON text while
// they pass through the SDK (lean-json.ts); clients never see the difference.
import type { Part } from '@a2a-js/sdk';
import { fromLean, toLean } from './lean-json';

export class PartsError extends Error {
  readonly code = 'ERR_VALIDATION';
}

export function partsToData(parts: readonly Part[]): unknown {
  const texts: string[] = [];
  const datas: unknown[] = [];
  for (const p of parts) {
    const c = p.content;
    if (c?.$case === 'text') texts.push(c.value);
    else if (c?.$case === 'data') datas.push(fromLean(c.value) ?? null);
    else if (c?.$case === 'raw' || c?.$case === 'url') {
      throw new PartsError(`File parts are not accepted (part "${p.filename || c.$case}"); send text or data parts`);
    }
  }
  if (texts.length === 0 && datas.length === 0) throw new PartsError('The message has no text or data part');
  if (datas.length === 0) return texts.join('\n');
  if (texts.length === 0 && datas.length === 1) return datas[0];
  const out: { text?: string; data?: unknown } = {};
  if (texts.length > 0) out.text = texts.join('\n');
  out.data = datas.length === 1 ? datas[0] : datas;
  return out;
}

export function textPart(text: string): Part {
  return { content: { $case: 'text', value: text }, mediaType: 'text/plain', filename: '', metadata: undefined };
}

export function resultToParts(result: unknown): Part[] {
  if (typeof result === 'string') return [textPart(result)];
  return [{ content: { $case: 'data', value: toLean(result ?? null) }, mediaType: 'application/json', filename: '', metadata: undefined }];
}
