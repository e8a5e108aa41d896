// The live event stream for browsers: server-sent events carrying every
// contract event as `id: <id>` / `event: <name>` / `data: <json>`. One
// control-plane subscription feeds every connected client. Recent frames are
// kept in a bounded replay buffer so a client reconnecting with
// `Last-Event-ID` (EventSource sends it by itself; `?lastEventId=` for a
// client that opens a new stream) gets what it missed; when the gap is older
// than the buffer (or the id is from another server run) it gets a `resync`
// event and must re-read state through the API.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventName } from '../../common/contract';
import { onEveryEvent, type ApiHost } from '../transport/dispatch';
import { sendError } from './http-util';

const HEARTBEAT_MS = 15_000; // keeps proxies and idle-timeouts from closing the stream
// A client that stops reading (a suspended tab, a stalled proxy) would make us buffer
// every event forever; past this much unsent data it is dropped and EventSource reconnects.
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
/**
 * Concurrent event-stream clients. Each may hold up to MAX_BUFFERED_BYTES
 * unsent, so 16 bounds that at 128 MiB. Real use is far below: a browser
 * shares 6 connections per origin across all its tabs, one stream per tab.
 * Past it a new client gets 503 ERR_TOO_MANY_STREAMS.
 */
export const MAX_EVENT_CLIENTS = 16;
/**
 * Replay buffer: the last 2,000 frames, at most 4 MiB. The client's longest
 * reconnect backoff is 10 s; at one sample a second plus log lines that gap
 * is tens of frames, and even a log flood of 100 lines/s fits.
 */
export const REPLAY_MAX_EVENTS = 2_000;
export const REPLAY_MAX_BYTES = 4 * 1024 * 1024;

export interface EventStreamOptions {
  maxClients?: number;
  replayMaxEvents?: number;
  replayMaxBytes?: number;
}

export interface EventStream {
  attach(req: IncomingMessage, res: ServerResponse, url: URL): void;
  readonly clientCount: number;
  close(): void;
}

export function formatSse(event: string, payload: unknown, id?: string): string {
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
}

interface Frame {
  seq: number;
  text: string;
  bytes: number;
}

/** The id a reconnecting client sends: the header EventSource sets, else the query a new stream carries. */
function lastEventIdOf(req: IncomingMessage, url: URL): string | undefined {
  const header = req.headers['last-event-id'];
  const value = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('lastEventId') ?? undefined;
  return value === '' ? undefined : value;
}

export function createEventStream(host: ApiHost, opts: EventStreamOptions = {}): EventStream {
  const maxClients = opts.maxClients ?? MAX_EVENT_CLIENTS;
  const replayMaxEvents = opts.replayMaxEvents ?? REPLAY_MAX_EVENTS;
  const replayMaxBytes = opts.replayMaxBytes ?? REPLAY_MAX_BYTES;
  // Ids are `<run>-<seq>`: a client holding an id from before a restart is told to resync instead of being matched to unrelated events.
  const run = randomBytes(4).toString('hex');
  const idOf = (seq: number) => `${run}-${seq}`;
  let seq = 0;
  const replay: Frame[] = [];
  let replayBytes = 0;
  const clients = new Set<ServerResponse>();

  function remember(frame: Frame): void {
    replay.push(frame);
    replayBytes += frame.bytes;
    while (replay.length > replayMaxEvents || (replayBytes > replayMaxBytes && replay.length > 1)) {
      replayBytes -= replay.shift()!.bytes;
    }
  }

  const off = onEveryEvent(host, (event: EventName, payload) => {
    seq++;
    const text = formatSse(event, payload, idOf(seq));
    const frame = { seq, text, bytes: Buffer.byteLength(text) };
    remember(frame);
    for (const res of clients) {
      if (res.writableLength > MAX_BUFFERED_BYTES) {
        clients.delete(res);
        res.destroy();
      } else res.write(frame.text);
    }
  });
  const heartbeat = setInterval(() => {
    for (const res of clients) res.write(': keep-alive\n\n');
  }, HEARTBEAT_MS);
  heartbeat.unref();

  /** Frames after `lastId`, or why they cannot be replayed. */
  function missedSince(lastId: string): { frames: Frame[] } | { reason: string } {
    const m = /^([0-9a-f]+)-(\d+)$/.exec(lastId);
    if (!m || m[1] !== run) return { reason: 'the id is not from this server run (it restarted)' };
    const after = Number(m[2]);
    if (after > seq) return { reason: 'the id is ahead of this stream' };
    const oldest = replay[0]?.seq ?? seq + 1;
    if (after + 1 < oldest) return { reason: `the events after it are older than the replay buffer (last ${replayMaxEvents} events)` };
    return { frames: replay.filter((f) => f.seq > after) };
  }

  return {
    attach(req, res, url) {
      if (clients.size >= maxClients) {
        res.setHeader('Retry-After', '5');
        return sendError(res, 503, 'ERR_TOO_MANY_STREAMS', `Too many event-stream clients (limit ${maxClients}): close another tab or stream`, {
          details: { limit: maxClients },
        });
      }
      res.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        Connection: 'keep-alive',
        'X-Accel-Buffering': 'no',
      });
      let out = 'retry: 2000\n\n';
      const lastId = lastEventIdOf(req, url);
      let replayed = 0;
      if (lastId !== undefined) {
        const missed = missedSince(lastId);
        if ('frames' in missed) {
          for (const f of missed.frames) out += f.text;
          replayed = missed.frames.length;
        } else out += formatSse('resync', { reason: missed.reason, lastEventId: lastId.slice(0, 100) }, idOf(seq));
      }
      // Every stream starts with an id, so even a client that saw no event yet can resume.
      out += formatSse('connected', { replayed }, idOf(seq));
      res.write(out);
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
