// Limits on client JSON that JSON.parse accepts but the rest of the path cannot
// carry: nesting the Python worker cannot decode, and numbers that change on the
// way (issue 9). Checked once on the raw request text, by the HTTP API and the
// A2A gateway alike, so the client gets a 400 naming the limit instead of a 502
// from the worker or a silently different value.
//
// Numbers must be read from the text: by the time JSON.parse has run, `1e400` is
// already Infinity (which JSON.stringify then sends as null) and 9007199254740993
// already 9007199254740992.

/**
 * Deepest nesting accepted. The worker decodes each frame with Python's json,
 * whose scanner recurses once per level and fails with RecursionError near
 * sys.getrecursionlimit() (1000 by default); the host wraps the client's value
 * in a frame of its own and the agent's code needs stack of its own, so half of
 * Python's budget is left for them.
 */
export const MAX_JSON_DEPTH = 500;

export type JsonLimitCode = 'ERR_JSON_TOO_DEEP' | 'ERR_JSON_NUMBER';

export interface JsonLimitIssue {
  code: JsonLimitCode;
  message: string;
  path: string; // JSONPath-like: $.data[3].x
}

interface Level {
  array: boolean;
  index: number;
  key: string | undefined; // the raw (still escaped) text of the current key
}

const MAX_PATH_SEGMENTS = 12;

function pathOf(stack: readonly Level[]): string {
  const seg = (l: Level) => {
    if (l.array) return `[${l.index}]`;
    if (l.key === undefined) return '';
    const key = JSON.parse(`"${l.key}"`) as string;
    return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
  };
  const shown = stack.length > MAX_PATH_SEGMENTS ? stack.slice(0, MAX_PATH_SEGMENTS) : stack;
  return `$${shown.map(seg).join('')}${shown.length < stack.length ? '…' : ''}`;
}

const short = (token: string) => (token.length > 40 ? `${token.slice(0, 20)}…(${token.length} digits)` : token);

function numberIssue(token: string, stack: readonly Level[]): JsonLimitIssue | undefined {
  const isInteger = !/[.eE]/.test(token);
  // Up to 15 digits every integer is safe; only longer ones need a look.
  if (isInteger && token.replace('-', '').length <= 15) return undefined;
  const value = Number(token);
  if (!Number.isFinite(value)) {
    const path = pathOf(stack);
    return {
      code: 'ERR_JSON_NUMBER',
      path,
      message: `number ${short(token)} at ${path} is beyond what a JSON number can carry (it would become Infinity)`,
    };
  }
  if (isInteger && !Number.isSafeInteger(value)) {
    const path = pathOf(stack);
    return {
      code: 'ERR_JSON_NUMBER',
      path,
      message: `integer ${short(token)} at ${path} is beyond 2^53 (Number.MAX_SAFE_INTEGER) and would be rounded; send it as a string`,
    };
  }
  return undefined;
}

/**
 * The first limit that `text` (already known to be valid JSON) breaks, or
 * undefined. One pass over the text, no allocation per value.
 */
export function findJsonLimitIssue(text: string, maxDepth = MAX_JSON_DEPTH): JsonLimitIssue | undefined {
  const stack: Level[] = [];
  let expectKey = false;
  const n = text.length;
  for (let i = 0; i < n;) {
    const c = text.charCodeAt(i);
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      stack.push({ array: c === 0x5b, index: 0, key: undefined });
      if (stack.length > maxDepth) {
        const path = pathOf(stack.slice(0, -1));
        return {
          code: 'ERR_JSON_TOO_DEEP',
          path,
          message: `JSON nested deeper than ${maxDepth} levels at ${path} (limit MAX_JSON_DEPTH = ${maxDepth})`,
        };
      }
      expectKey = c === 0x7b;
      i++;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
      i++;
    } else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top?.array) top.index++;
      else expectKey = true;
      i++;
    } else if (c === 0x3a /* : */) {
      expectKey = false;
      i++;
    } else if (c === 0x22 /* " */) {
      let j = i + 1;
      for (;;) {
        const d = text.charCodeAt(j);
        if (d === 0x5c /* \ */) j += 2;
        else if (d === 0x22 || Number.isNaN(d)) break;
        else j++;
      }
      const top = stack[stack.length - 1];
      if (expectKey && top && !top.array) top.key = text.slice(i + 1, j);
      i = j + 1;
    } else if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      let j = i + 1;
      let exponent = false;
      for (; j < n; j++) {
        const d = text.charCodeAt(j);
        if (d === 0x65 || d === 0x45) exponent = true;
        else if (!((d >= 0x30 && d <= 0x39) || d === 0x2e || d === 0x2b || d === 0x2d)) break;
      }
      // Without an exponent, 15 characters cannot overflow or lose an integer's digits: no slice then.
      if (exponent || j - i > 15) {
        const issue = numberIssue(text.slice(i, j), stack);
        if (issue) return issue;
      }
      i = j;
    } else i++;
  }
  return undefined;
}

/** JSON.parse, then the limits: throws SyntaxError for bad JSON, JsonLimitError for a broken limit. */
export function parseClientJson(text: string): unknown {
  const value: unknown = JSON.parse(text);
  const issue = findJsonLimitIssue(text);
  if (issue) throw new JsonLimitError(issue);
  return value;
}

export class JsonLimitError extends Error {
  readonly code: JsonLimitCode;
  readonly path: string;
  constructor(issue: JsonLimitIssue) {
    super(issue.message);
    this.name = 'JsonLimitError';
    this.code = issue.code;
    this.path = issue.path;
  }
}
