// A v1.0 JSON-RPC SendMessage straight to the SDK's transport handler, past express.
//
// Why: express's router, body-parser/raw-body and the SDK's own express router
// (content-type guard, a second JSON body parser, error handlers) cost ~120 µs
// of CPU per request, profiled (issue 19) — about as much as the whole HTTP
// submitTask path spends on its own routing and parsing. None of it is
// protocol: the JSON-RPC transport handler, the request handler, the executor
// and the limits on the body are the same objects and checks either way.
//
// Taken only for what it does exactly as the express route does: POST to the
// JSON-RPC path, the gateway on, a valid bearer token, `A2A-Version: 1.0`
// (no header means v0.3 to the SDK), no extensions header, a JSON content
// type with a Content-Length within the body limit, and method SendMessage.
// Everything else — including a body that fails to parse or any other method,
// handed over with the bytes already read — takes the express route and gets
// its answers and errors from there.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AgentCard } from '@a2a-js/sdk';
import { defaultServerCallContextBuilder, JsonRpcTransportHandler, validateVersion, type A2ARequestHandler, type User } from '@a2a-js/sdk/server';
import { markAuthenticated } from '../headless/connection-share';
import { parseClientJson } from '../transport/json-limits';
import { bearerMatches } from './auth';
import { JSONRPC_PATH } from './card';
import { expandLean, leanRequestBody, mayHoldLean } from './lean-json';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface FastRpcOptions {
  enabled: () => boolean;
  token: () => string;
  maxBodyBytes: number;
  requestHandler: A2ARequestHandler;
  card: AgentCard; // the request handler's card (its interfaces never change)
  user: User;
}

const VERSION = '1.0';

/** The check the express route makes per request, made once: the card's interfaces are fixed. */
function servesVersion(card: AgentCard): boolean {
  try {
    validateVersion(VERSION, card, 'JSONRPC');
    return true;
  } catch {
    return false; // the express route answers with the SDK's error
  }
}

/** Wraps the express app: v1.0 SendMessage requests go straight to the transport handler. */
export function withFastSendMessage(o: FastRpcOptions, express: Handler): Handler {
  const transport = new JsonRpcTransportHandler(o.requestHandler);
  const versionOk = servesVersion(o.card);
  return (req, res) => {
    if (!versionOk || !eligible(req, o)) return express(req, res);
    readBody(req).then(
      (raw) => {
        let body: unknown;
        try {
          body = parseClientJson(raw.toString('utf8'));
        } catch {
          body = undefined; // express's route answers the parse error with its own wording
        }
        if ((body as { method?: unknown } | undefined)?.method !== 'SendMessage') return handOver(req, res, raw, express);
        void answer(req, res, body, raw.length, o, transport);
      },
      () => res.destroy(), // the client went away mid-body
    );
  };
}

function eligible(req: IncomingMessage, o: FastRpcOptions): boolean {
  const h = req.headers;
  if (req.method !== 'POST' || req.url !== JSONRPC_PATH || h['a2a-version'] !== VERSION) return false;
  if (h['a2a-extensions'] !== undefined || h['x-a2a-extensions'] !== undefined) return false;
  const type = h['content-type']?.split(';', 1)[0]?.trim().toLowerCase();
  const length = Number(h['content-length']);
  if (type !== 'application/json' || !(length >= 0 && length <= o.maxBodyBytes)) return false;
  if (!o.enabled() || !bearerMatches(h.authorization, o.token())) return false;
  markAuthenticated(req); // as requireBearer does: this socket keeps its slot when tokenless ones crowd the cap
  return true;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

/** The express route with the body already read: its body reader sees a finished request and the raw bytes. */
function handOver(req: IncomingMessage, res: ServerResponse, raw: Buffer, express: Handler): void {
  (req as IncomingMessage & { body?: unknown }).body = raw;
  express(req, res);
}

async function answer(
  req: IncomingMessage,
  res: ServerResponse,
  body: unknown,
  bytes: number,
  o: FastRpcOptions,
  transport: JsonRpcTransportHandler,
) {
  // Large data values ride through the SDK as holders (lean-json.ts); the parsed values stay
  // reachable through `kept` until the reply is written, so the executor need not parse them again.
  const kept = mayHoldLean(bytes) ? leanRequestBody(body) : [];
  const id = (body as { id?: unknown }).id ?? null;
  let reply: unknown;
  let status = 200;
  const context = defaultServerCallContextBuilder({ extensions: [], user: o.user, headers: req.headers, requestedVersion: VERSION });
  try {
    reply = await transport.handle(body as Record<string, unknown>, context);
  } catch (err) {
    const error = JsonRpcTransportHandler.mapToJSONRPCError(err as Error);
    status = error.code === -32603 ? 500 : 200; // internal error is a server fault, as the express route answers it
    reply = { jsonrpc: '2.0', id, error };
  }
  const text = expandLean(JSON.stringify(reply));
  if (context.activatedExtensions) res.setHeader('A2A-Extensions', Array.from(context.activatedExtensions));
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
  kept.length = 0;
}
