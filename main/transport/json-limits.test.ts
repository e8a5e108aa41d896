import { describe, expect, it } from 'vitest';
import { findJsonLimitIssue, JsonLimitError, MAX_JSON_DEPTH, parseClientJson } from './json-limits';

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('findJsonLimitIssue', () => {
  it('accepts nesting up to MAX_JSON_DEPTH and refuses one level more, naming the limit and where', () => {
    expect(findJsonLimitIssue(nested(MAX_JSON_DEPTH))).toBeUndefined();
    const issue = findJsonLimitIssue(`{"data":${nested(MAX_JSON_DEPTH)}}`);
    expect(issue?.code).toBe('ERR_JSON_TOO_DEEP');
    expect(issue?.message).toContain(`${MAX_JSON_DEPTH} levels`);
    expect(issue?.path.startsWith('$.data[0][0]')).toBe(true);
  });

  it('counts objects and arrays alike, not brackets inside strings', () => {
    expect(findJsonLimitIssue('{"a":{"b":[{"c":1}]}}', 4)).toBeUndefined();
    expect(findJsonLimitIssue('{"a":{"b":[{"c":[]}]}}', 4)?.path).toBe('$.a.b[0].c');
    expect(findJsonLimitIssue(JSON.stringify({ s: '[[[[[[[[{{{{{{\\"[[[[' }), 2)).toBeUndefined();
  });

  it('refuses numbers that overflow to Infinity, with their path', () => {
    for (const [text, path] of [
      ['{"x":1e400}', '$.x'],
      ['[0,[1,-1E+309]]', '$[1][1]'],
      [`{"a b":{"y":1${'0'.repeat(400)}}}`, '$["a b"].y'],
    ] as const) {
      const issue = findJsonLimitIssue(text);
      expect(issue, text.slice(0, 30)).toMatchObject({ code: 'ERR_JSON_NUMBER', path });
      expect(issue?.message).toMatch(/Infinity/);
    }
  });

  it('refuses integers beyond 2^53 and keeps the largest safe one and ordinary floats', () => {
    expect(findJsonLimitIssue('{"id":9007199254740993}')).toMatchObject({ code: 'ERR_JSON_NUMBER', path: '$.id' });
    expect(findJsonLimitIssue('[-9007199254740993]')?.message).toMatch(/2\^53/);
    expect(
      findJsonLimitIssue(
        `[${Number.MAX_SAFE_INTEGER},-${Number.MAX_SAFE_INTEGER},0.30000000000000004,1.7976931348623157e308,1e-400,12345678901234567890.5]`,
      ),
    ).toBeUndefined();
  });

  it('reads keys with escapes for the path and ignores digits inside strings', () => {
    expect(findJsonLimitIssue('{"k\\"ey":{"n":99999999999999999999}}')?.path).toBe('$["k\\"ey"].n');
    expect(findJsonLimitIssue('{"s":"99999999999999999999 1e400"}')).toBeUndefined();
  });
});

describe('parseClientJson', () => {
  it('returns the value, throws SyntaxError for bad JSON and JsonLimitError with the code for a broken limit', () => {
    expect(parseClientJson('{"a":[1,2]}')).toEqual({ a: [1, 2] });
    expect(() => parseClientJson('{')).toThrow(SyntaxError);
    let err: unknown;
    try {
      parseClientJson(nested(5_000));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(JsonLimitError);
    expect(err).toMatchObject({ code: 'ERR_JSON_TOO_DEEP' });
  });
});
