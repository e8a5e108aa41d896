// The far end of the broker-floor measurement (cluster-breakdown.ts measureFloor): a process of its
// own that answers every request on one subject with its payload, so the round trip the bench
// times crosses two processes and nats-server, as the cluster path's hops do.
// node --import tsx bench/nats-echo.ts <url> <subject>
import { connect } from '@nats-io/transport-node';

const [url, subject] = process.argv.slice(2);
if (!url || !subject) throw new Error('usage: nats-echo.ts <url> <subject>');
const nc = await connect({ servers: url, noAsyncTraces: true });
nc.subscribe(subject, { callback: (_err, m) => void m.respond(m.data) });
await nc.flush(); // the subscription is on the server before the bench is told to start
console.log('echo ready');
// The bench closes stdin (or dies): the responder goes with it, never left behind.
process.stdin.on('end', () => void nc.close().then(() => process.exit(0)));
process.stdin.resume();
