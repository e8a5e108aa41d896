// Bearer-token guard for the JSON-RPC endpoint. Tokens are compared with the
// headless server's constant-time tokensEqual (SHA-256 digests first), so both
// ports check the one token the same way.
import type { Request, RequestHandler } from 'express';
import type { User } from '@a2a-js/sdk/server';
import { tokensEqual } from '../headless/auth';
import { markAuthenticated } from '../headless/connection-share';

export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  // Compare something even when there is no token, so a missing header costs the same.
  const given = m?.[1] ?? '';
  return tokensEqual(given, token) && given !== '';
}

/** 401 unless `Authorization: Bearer <token>`; `token()` is read per request so a config change applies at once. */
export function requireBearer(token: () => string): RequestHandler {
  return (req, res, next) => {
    if (bearerMatches(req.headers.authorization, token())) {
      markAuthenticated(req);
      next();
      return;
    }
    res
      .status(401)
      .set('WWW-Authenticate', 'Bearer realm="a2a"')
      .json({
        code: 'ERR_UNAUTHORIZED',
        message: req.headers.authorization
          ? 'Invalid bearer token for the A2A gateway'
          : 'Missing bearer token: send "Authorization: Bearer <token>" (see the Agent Card security scheme)',
      });
  };
}

class BearerUser implements User {
  get isAuthenticated(): boolean {
    return true;
  }
  get userName(): string {
    // Every holder of the token is the same principal: one task namespace.
    return 'a2a-bearer';
  }
}

export const bearerUser: User = new BearerUser();

/** The SDK's UserBuilder; only runs after requireBearer let the request through. */
export const bearerUserBuilder = async (_req: Request): Promise<User> => bearerUser;
