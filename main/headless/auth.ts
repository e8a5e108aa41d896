// Bearer-token checks for the headless server. Tokens are compared through
// their SHA-256 digests so the comparison takes the same time whatever the
// length or content of the guess (timingSafeEqual needs equal lengths).
import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { markAuthenticated } from './connection-share';

const digest = (s: string) => hash('sha256', s, 'buffer');

// Expected tokens change only with the config (the API's, and a2a.token when set): their digests
// are kept rather than computed per request (~1.5 µs each; every API call and A2A message checks).
const expectedDigests = new Map<string, Buffer>();

function expectedDigest(token: string): Buffer {
  let d = expectedDigests.get(token);
  if (!d) {
    if (expectedDigests.size >= 8) expectedDigests.clear(); // tokens replaced over time
    d = digest(token);
    expectedDigests.set(token, d);
  }
  return d;
}

export function tokensEqual(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), expectedDigest(expected));
}

export function generateToken(): string {
  return randomBytes(24).toString('base64url');
}

/** The token a request carries: `Authorization: Bearer <t>`, or `?token=` where allowed. */
export function requestToken(req: IncomingMessage, url: URL, allowQuery: boolean): string | undefined {
  const header = req.headers.authorization;
  if (header) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return m?.[1];
  }
  // EventSource cannot set headers, so the event stream also accepts ?token=.
  return allowQuery ? (url.searchParams.get('token') ?? undefined) : undefined;
}

export function isAuthorized(req: IncomingMessage, url: URL, token: string, allowQuery = false): boolean {
  const given = requestToken(req, url, allowQuery);
  const ok = given !== undefined && tokensEqual(given, token);
  if (ok) markAuthenticated(req); // its socket keeps its slot when tokenless ones crowd the cap
  return ok;
}
