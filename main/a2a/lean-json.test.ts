// Large data values held as JSON text inside the SDK, spliced back into every
// response: exactly the same JSON out, whatever the value, and nothing a client
// could forge.
import { describe, expect, it } from 'vitest';
import { expandLean, fromLean, LEAN_MIN_CHARS, leanRequestBody, toLean } from './lean-json';

const bigArray = () => Array.from({ length: LEAN_MIN_CHARS }, (_, i) => ({ i, s: 'q"\\\n' }));
const bigObject = () => ({ rows: bigArray(), 'k"ey': 'ü\u2028' });

describe('toLean / fromLean', () => {
  it('leaves small values, strings and numbers as they are', () => {
    const small = { a: [1, 2, 3] };
    expect(toLean(small)).toBe(small);
    expect(toLean('x'.repeat(LEAN_MIN_CHARS * 2))).toBe('x'.repeat(LEAN_MIN_CHARS * 2));
    expect(toLean(null)).toBe(null);
    expect(fromLean(small)).toBe(small);
  });

  it('holds a large array as an array and a large object as an object, each a few plain values', () => {
    const arr = toLean(bigArray());
    const obj = toLean(bigObject());
    expect(Array.isArray(arr) && arr.length === 2 && typeof arr[1] === 'string').toBe(true);
    expect(Array.isArray(obj)).toBe(false);
    expect(Object.values(obj as object)).toHaveLength(1);
    expect(fromLean(structuredClone(arr))).toEqual(bigArray());
    expect(fromLean(structuredClone(obj))).toEqual(bigObject());
    expect(toLean(arr)).toBe(arr); // never held twice
  });

  it('a value kept from a request body comes back as the same object (no second parse); any other is parsed from the text', () => {
    const kept = bigArray();
    const held = structuredClone(toLean(kept, true)); // the SDK's copies of the holder
    expect(fromLean(held)).toBe(kept);
    const notKept = bigArray();
    const parsed = fromLean(toLean(notKept));
    expect(parsed).not.toBe(notKept);
    expect(parsed).toEqual(notKept);
  });
});

describe('expandLean', () => {
  it('gives back exactly the JSON the value would have had, wherever the holder sits', () => {
    const value = bigObject();
    const wrapper = { a: [toLean(value), 1, { b: toLean(bigArray()) }], s: 'end' };
    expect(expandLean(JSON.stringify(wrapper))).toBe(JSON.stringify({ a: [value, 1, { b: bigArray() }], s: 'end' }));
    expect(JSON.parse(expandLean(`data: ${JSON.stringify({ v: toLean(value) })}\n\n`.slice(6)))).toEqual({ v: value });
  });

  it('leaves text without holders untouched, and a forged look-alike without the nonce is not expanded', () => {
    const text = JSON.stringify({ 'gcc-json-AAAAAAAAAAAAAAAA': '[1]', x: ['gcc-json-x', '[2]'] });
    expect(expandLean(text)).toBe(text);
  });
});

describe('leanRequestBody', () => {
  it('holds large v1.0 data parts and v0.3 data parts, keeping the v0.3 compat wrapping', () => {
    const body = {
      jsonrpc: '2.0',
      id: 1,
      method: 'SendMessage',
      params: {
        message: {
          parts: [
            { data: bigArray() },
            { text: 'hi' },
            { data: { small: true } },
            { kind: 'data', data: { value: bigArray() }, metadata: { data_part_compat: true } },
          ],
        },
      },
    };
    const original = body.params.message.parts[0]!.data;
    const replaced = leanRequestBody(body);
    const [v1, text, small, compat] = body.params.message.parts as any[];
    expect(replaced).toHaveLength(2);
    expect(replaced[0]).toBe(original);
    expect(fromLean(v1.data)).toEqual(bigArray());
    expect(v1.data).toHaveLength(2);
    expect(text).toEqual({ text: 'hi' });
    expect(small.data).toEqual({ small: true });
    expect(Object.keys(compat.data)).toEqual(['value']);
    expect(fromLean(compat.data.value)).toEqual(bigArray());
  });

  it('ignores bodies of other shapes', () => {
    for (const body of [null, [], { params: 1 }, { params: { message: { parts: 'x' } } }]) expect(() => leanRequestBody(body)).not.toThrow();
  });
});
