// HTTP transport for headless mode, generic over the contract: one POST per
// method (names come from the contract table, never a hand-written list) and
// one EventSource for every contract event. Reconnects on its own and reports
// the connection state so the UI can say "lost" and "restored". Reconnecting
// resumes from the last event id (the browser sends Last-Event-ID itself; a new
// EventSource carries ?lastEventId=), so the server replays what was missed.
import {
  eventNames,
  methodNames,
  type ApiErrorShape,
  type ConfigIssue,
  type ControlCenterApi,
  type EventName,
  type EventPayload,
  type MethodName,
} from '../../../common/contract';
import { FALLBACK_ERROR_CODE, isErrorCode, type ErrorCode } from '../../../common/error-table';

// 'unauthorized': the server is up but refuses the token (restarted with another one, or rotated).
export type LinkState = 'connecting' | 'open' | 'lost' | 'unauthorized';

export class ApiCallError extends Error implements ApiErrorShape {
  readonly code: ErrorCode;
  readonly issues?: ConfigIssue[];
  readonly details?: unknown;
  constructor(
    shape: ApiErrorShape,
    readonly status: number,
  ) {
    super(shape.message);
    this.name = 'ApiCallError';
    this.code = shape.code;
    this.issues = shape.issues;
    this.details = shape.details;
  }
}

export interface HttpTransportOptions {
  baseUrl?: string; // '' = same origin
  token: string;
  fetchImpl?: typeof fetch;
  EventSourceImpl?: typeof EventSource;
  reconnectDelaysMs?: number[];
  onArrival?: (method: MethodName) => void; // called once a response body is parsed (bench marks)
}

export interface HttpTransport {
  api: ControlCenterApi;
  onLink(listener: (state: LinkState, detail?: string) => void): () => void;
  close(): void;
}

type AnyListener = (payload: unknown) => void;

export function createHttpTransport(opts: HttpTransportOptions): HttpTransport {
  const base = opts.baseUrl ?? '';
  const doFetch = opts.fetchImpl ?? fetch.bind(globalThis);
  const ES = opts.EventSourceImpl ?? EventSource;
  const delays = opts.reconnectDelaysMs ?? [500, 1000, 2000, 5000, 10000];
  const listeners = new Map<EventName, Set<AnyListener>>();
  const linkListeners = new Set<(s: LinkState, d?: string) => void>();
  let link: LinkState = 'connecting';
  let es: EventSource | null = null;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  let lastEventId = ''; // the newest id seen; survives a new EventSource

  const setLink = (s: LinkState, detail?: string) => {
    if (s === link && !detail) return;
    // A refused token stays the news until the stream opens again: retries failing the same way are not "lost".
    if (link === 'unauthorized' && s !== 'open') return;
    link = s;
    for (const l of linkListeners) l(s, detail);
  };

  async function call(method: MethodName, input: unknown): Promise<unknown> {
    let res: Response;
    try {
      res = await doFetch(`${base}/api/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${opts.token}` },
        body: JSON.stringify(input ?? {}),
      });
    } catch (err) {
      throw new ApiCallError({ code: 'ERR_NETWORK', message: `Host unreachable: ${(err as Error).message}` }, 0);
    }
    if (res.status === 401) setLink('unauthorized', `the server refused this tab's token (${method})`);
    const text = await res.text();
    const body: unknown = text ? JSON.parse(text) : undefined;
    if (!res.ok) {
      const shape = (body ?? {}) as Partial<ApiErrorShape>;
      throw new ApiCallError(
        // a reply without a known code (a proxy's error page) is an internal error; `status` keeps the HTTP status
        {
          code: isErrorCode(shape.code) ? shape.code : FALLBACK_ERROR_CODE,
          message: shape.message ?? res.statusText,
          issues: shape.issues,
          details: shape.details,
        },
        res.status,
      );
    }
    opts.onArrival?.(method);
    return body;
  }

  function open() {
    if (closed) return;
    // EventSource sends Last-Event-ID only on its own retries; a fresh one cannot set headers, so the id rides in the query.
    const resume = lastEventId ? `&lastEventId=${encodeURIComponent(lastEventId)}` : '';
    const source = new ES(`${base}/api/events?token=${encodeURIComponent(opts.token)}${resume}`);
    es = source;
    source.onopen = () => {
      attempt = 0;
      setLink('open');
    };
    source.onerror = () => {
      if (closed) return;
      setLink(link === 'connecting' && attempt === 0 ? 'connecting' : 'lost');
      // CONNECTING: the browser retries by itself. CLOSED (HTTP error, bad
      // content type): it gives up, so retry here with backoff.
      if (source.readyState === ES.CLOSED) {
        setLink('lost');
        // EventSource hides the HTTP status: one call tells a refused token (401) from a server that is down.
        call('getAppInfo', {}).catch(() => undefined);
        const delay = delays[Math.min(attempt, delays.length - 1)]!;
        attempt++;
        timer = setTimeout(open, delay);
      }
    };
    const noteId = (e: Event) => {
      const id = (e as MessageEvent).lastEventId;
      if (id) lastEventId = id;
    };
    source.addEventListener('connected', noteId);
    // The server could not replay the gap (it restarted, or we were away too long):
    // report the gap as a lost-and-restored link, which makes the UI re-read state.
    source.addEventListener('resync', (e) => {
      noteId(e);
      setLink('lost', 'events missed while disconnected: catching up');
      setLink('open');
    });
    for (const name of eventNames) {
      source.addEventListener(name, (e) => {
        noteId(e);
        const set = listeners.get(name);
        if (!set?.size) return;
        let payload: unknown;
        try {
          payload = JSON.parse((e as MessageEvent<string>).data);
        } catch {
          return; // a malformed frame must not kill the stream
        }
        for (const l of set) l(payload);
      });
    }
  }

  const methods = Object.fromEntries(methodNames.map((m) => [m, (input: unknown) => call(m, input)]));
  const api = {
    ...methods,
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as AnyListener);
      return () => void set.delete(listener as AnyListener);
    },
  } as unknown as ControlCenterApi; // the mapped method type is built from methodNames above

  open();
  return {
    api,
    onLink(l) {
      linkListeners.add(l);
      l(link);
      return () => linkListeners.delete(l);
    },
    close() {
      closed = true;
      clearTimeout(timer);
      es?.close();
    },
  };
}

/**
 * Token from the URL fragment (#token=…), then kept in sessionStorage so a
 * reload works; the fragment is removed so the token does not linger in the
 * address bar or in screenshots.
 */
export function takeToken(loc: Location, storage: Storage, history: History): string | null {
  const m = /(?:^#|&)token=([^&]+)/.exec(loc.hash);
  if (m) {
    const token = decodeURIComponent(m[1]!);
    storage.setItem('gcc.token', token);
    history.replaceState(null, '', loc.pathname + loc.search);
    return token;
  }
  return storage.getItem('gcc.token');
}
