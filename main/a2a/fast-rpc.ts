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
import { defaultServerCallContextBuilder, JsonRpcTransportHandler, validateVersion, type A2ARequestHandler, type User } from '@a2a-js/sdk/server';
import { parseClientJson } from '../transport/json-limits';
import { bearerMatches } from './auth';
import { JSONRPC_PATH } from './card';
import { expandLean, leanRequestBody } from './lean-json';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface FastRpcOptions {
  enabled: () => boolean;
  token: () => string;
  maxBodyBytes: number;
  requestHandler: A2ARequestHandler;
  user: User;
}

/** Wraps the express app: v1.0 SendMessage requests go straight to the transport handler. */
export function withFastSendMessage(o: FastRpcOptions, express: Handler): Handler {
  const transport = new JsonRpcTransportHandler(o.requestHandler);
  return (req, res) => {
    if (!eligible(req, o)) return express(req, res);
    readBody(req).then(
      (raw) => {
        let body: unknown;
        try {
          body = parseClientJson(raw.toString('utf8'));
        } catch {
          body = undefined; // express's route answers the parse error with its own wording
        }
        if ((body as { method?: unknown } | undefined)?.method !== 'SendMessage') return handOver(req, res, raw, express);
        void answer(req, res, body, o, transport);
      },
      () => res.destroy(), // the client went away mid-body
    );
  };
}

function eligible(req: IncomingMessage, o: FastRpcOptions): boolean {
  const h = req.headers;
  if (req.method !== 'POST' || req.url !== JSONRPC_PATH || h['a2a-version'] !== '1.0') return false;
  if (h['a2a-extensions'] !== undefined || h['x-a2a-extensions'] !== undefined) return false;
  const type = h['content-type']?.split(';', 1)[0]?.trim().toLowerCase();
  const length = Number(h['content-length']);
  if (type !== 'application/json' || !(length >= 0 && length <= o.maxBodyBytes)) return false;
  return o.enabled() && bearerMatches(h.authorization, o.token());
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

async function answer(req: IncomingMessage, res: ServerResponse, body: unknown, o: FastRpcOptions, transport: JsonRpcTransportHandler) {
  // Large data values ride through the SDK as holders (lean-json.ts); the parsed values stay
  // reachable through `kept` until the reply is written, so the executor need not parse them again.
  const kept = leanRequestBody(body);
  const id = (body as { id?: unknown }).id ?? null;
  let reply: unknown;
  let status = 200;
  const context = defaultServerCallContextBuilder({ extensions: [], user: o.user, headers: req.headers, requestedVersion: '1.0' });
  try {
    validateVersion(context.requestedVersion, await o.requestHandler.getAgentCard(), 'JSONRPC');
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
