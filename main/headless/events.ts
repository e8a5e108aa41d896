// The live event stream for browsers: server-sent events carrying every
// contract event as `event: <name>` / `data: <json>`. One control-plane
// subscription feeds every connected client.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventName } from '../../preload/contract';
import { onEveryEvent, type ApiHost } from '../transport/dispatch';

const HEARTBEAT_MS = 15_000; // keeps proxies and idle-timeouts from closing the stream
// A client that stops reading (a suspended tab, a stalled proxy) would make us buffer
// every event forever; past this much unsent data it is dropped and EventSource reconnects.
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

export interface EventStream {
  attach(req: IncomingMessage, res: ServerResponse): void;
  readonly clientCount: number;
  close(): void;
}

export function formatSse(event: EventName, payload: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
}

export function createEventStream(host: ApiHost): EventStream {
  const clients = new Set<ServerResponse>();
  const off = onEveryEvent(host, (event, payload) => {
    if (clients.size === 0) return;
    const frame = formatSse(event, payload);
    for (const res of clients) {
      if (res.writableLength > MAX_BUFFERED_BYTES) {
        clients.delete(res);
        res.destroy();
      } else res.write(frame);
    }
  });
  const heartbeat = setInterval(() => {
    for (const res of clients) res.write(': keep-alive\n\n');
  }, HEARTBEAT_MS);
  heartbeat.unref();

  return {
    attach(req, res) {
      res.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        Connection: 'keep-alive',
        'X-Accel-Buffering': 'no',
      });
      res.write('retry: 2000\n: connected\n\n');
      clients.add(res);
      req.socket.setNoDelay(true);
      const drop = () => clients.delete(res);
      req.on('close', drop);
      res.on('error', drop);
    },
    get clientCount() {
      return clients.size;
    },
    close() {
      off();
      clearInterval(heartbeat);
      for (const res of clients) res.end();
      clients.clear();
    },
  };
}
