// The JSON-RPC body reader in front of the SDK: the same byte limit as the HTTP
// API (a message the API would refuse is refused here too, issue 9), and the
// same limits on nesting and numbers (main/transport/json-limits.ts), answered
// as JSON-RPC errors. The SDK's own express.json() then sees a parsed body and
// leaves it alone.
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { MAX_BODY_BYTES } from '../headless/http-util';
import { JsonLimitError, parseClientJson } from '../transport/json-limits';
import { leanRequestBody, mayHoldLean } from './lean-json';

// JSON-RPC 2.0 error codes.
const PARSE_ERROR = -32700;
const INVALID_REQUEST = -32600;
const INVALID_PARAMS = -32602;

type RpcId = string | number | null;

function rpcError(res: express.Response, status: number, id: RpcId, code: number, message: string, data?: unknown): void {
  res.status(status).json({ jsonrpc: '2.0', id, error: { code, message, ...(data === undefined ? {} : { data }) } });
}

/** The request's id when the text parses far enough to have one (JSON.parse copes with any depth). */
function idOf(text: string): RpcId {
  try {
    const id = (JSON.parse(text) as { id?: unknown } | null)?.id;
    return typeof id === 'string' || typeof id === 'number' ? id : null;
  } catch {
    return null;
  }
}

const parseChecked: RequestHandler = (req, res, next) => {
  if (!Buffer.isBuffer(req.body)) return next(); // not JSON by content type: the SDK answers
  const text = req.body.toString('utf8');
  try {
    req.body = parseClientJson(text);
    if (mayHoldLean(text.length)) res.locals.leanValues = leanRequestBody(req.body); // alive as long as the request: see lean-json.ts
  } catch (err) {
    if (err instanceof JsonLimitError) {
      return rpcError(res, 400, idOf(text), INVALID_PARAMS, `Invalid params: ${err.message}`, { code: err.code, path: err.path });
    }
    return rpcError(res, 400, null, PARSE_ERROR, 'Parse error: body is not valid JSON');
  }
  next();
};

const bodyErrors: ErrorRequestHandler = (err, _req, res, next) => {
  if (res.headersSent) return next(err);
  if ((err as { type?: string }).type === 'entity.too.large') {
    return rpcError(res, 413, null, INVALID_REQUEST, `Request body exceeds ${(err as { limit?: number }).limit ?? MAX_BODY_BYTES} bytes`);
  }
  rpcError(res, 400, null, PARSE_ERROR, 'Parse error: body is not valid JSON');
};

/** Middlewares for the JSON-RPC route: raw body up to `limit` bytes, then parse and check. */
export function jsonRpcBody(limit = MAX_BODY_BYTES): Array<RequestHandler | ErrorRequestHandler> {
  return [express.raw({ type: 'application/json', limit }), bodyErrors, parseChecked];
}
