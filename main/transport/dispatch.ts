// The one place where a transport turns (method name, raw input) into a call
// on the control plane. Electron IPC and HTTP both go through here, so the
// rules — parse with the contract's schema, name every bad field, keep the
// error code — cannot drift between the two hosts. Plain Node, no electron.
import { contract, eventNames, methodNames } from '../../common/contract';
import type { ApiErrorShape, ApiHandlers, EventName, EventPayload, MethodName, ParsedInput } from '../../common/contract';
import { issuesFromZod, toApiErrorShape, validationError } from '../control/api-error';

/** What a host needs from the control plane: its handlers and its event bus. */
export interface ApiHost {
  readonly handlers: ApiHandlers;
  /** The handlers as one door (transport) sees them, so the operator's trail names it. */
  handlersFor?(door: 'desktop' | 'http'): ApiHandlers;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

export type Envelope<T = unknown> = { ok: true; value: T } | { ok: false; error: ApiErrorShape };

const methodSet: ReadonlySet<string> = new Set(methodNames);

export function isMethodName(name: string): name is MethodName {
  return methodSet.has(name);
}

/** raw → the method's parsed input; throws ERR_VALIDATION naming every bad field. */
export function parseInput<M extends MethodName>(method: M, raw: unknown): ParsedInput<M> {
  // A call with no body means "no arguments": methods without input accept {}.
  const parsed = contract.methods[method].input.safeParse(raw === undefined || raw === null ? {} : raw);
  if (!parsed.success) throw validationError(issuesFromZod(parsed.error.issues));
  return parsed.data as ParsedInput<M>;
}

/** Parse, call, and fold every outcome into an envelope; never throws. */
export async function dispatch(handlers: ApiHandlers, method: string, raw: unknown): Promise<Envelope> {
  try {
    if (!isMethodName(method)) throw Object.assign(new Error(`Unknown method "${method}"`), { code: 'ERR_NOT_FOUND' });
    const input = parseInput(method, raw);
    const handler = handlers[method] as (input: unknown) => Promise<unknown>;
    return { ok: true, value: await handler.call(handlers, input) };
  } catch (err) {
    return { ok: false, error: toApiErrorShape(err) };
  }
}

/** Subscribe one listener to every contract event; returns one unsubscribe. */
export function onEveryEvent(host: ApiHost, listener: (event: EventName, payload: unknown) => void): () => void {
  const offs = eventNames.map((name) => host.on(name, (payload) => listener(name, payload)));
  return () => offs.forEach((off) => off());
}
