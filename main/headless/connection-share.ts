// Keeps a share of a listener's connection cap for clients that hold the token.
// Node's maxConnections alone lets anyone fill every slot with idle sockets that
// never send a request (256 of them held the headless server's cap until each
// hit the 9 s header limit, and a flood simply reconnects). Here, sockets that
// have not shown the token may use all but a reserved share of the cap; when a
// new socket would go past that, the oldest tokenless socket with no request in
// progress is closed to make room. A client that sends its request at once (any
// real one) is authenticated within milliseconds and is never evicted.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

const authenticated = new WeakSet<Socket>();

/** Called once a request on this socket carried the right token. */
export function markAuthenticated(req: IncomingMessage): void {
  authenticated.add(req.socket);
}

/** One eighth of the cap (at least one slot) is kept for authenticated and new sockets. */
export const reservedShare = (maxConnections: number): number => Math.max(1, Math.floor(maxConnections / 8));

export function keepShareForAuthenticated(server: Server, maxConnections: number): void {
  const limit = maxConnections - reservedShare(maxConnections);
  const busy = new Map<Socket, number>(); // insertion order: oldest first; value = requests in progress
  server.on('connection', (sock: Socket) => {
    busy.set(sock, 0);
    sock.once('close', () => busy.delete(sock));
    let tokenless = 0;
    for (const s of busy.keys()) if (!authenticated.has(s)) tokenless++;
    if (tokenless <= limit) return;
    for (const [s, inProgress] of busy) {
      if (s !== sock && inProgress === 0 && !authenticated.has(s)) return void s.destroy();
    }
    sock.destroy(); // every tokenless socket is mid-request: the newcomer waits its turn
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const sock = req.socket;
    if (!busy.has(sock)) return;
    busy.set(sock, busy.get(sock)! + 1);
    res.once('close', () => busy.has(sock) && busy.set(sock, Math.max(0, busy.get(sock)! - 1)));
  });
}
