// Shared by the A2A gateway tests: a real pool of Python workers behind a real
// loopback gateway, and the SDK's own client holding the token.
import type { Client } from '@a2a-js/sdk/client';
import { GreenletProcessPool } from '../pool/index';
import { startA2AServer, type A2AServer, type StartA2AServerOptions } from './index';
import { connectA2A } from './sdk-client';

/**
 * Starts the pool (waiting for its workers), the gateway over it and a client;
 * `close` stops the gateway, then the pool. A file keeps its own pool options:
 * they are what its tests are about.
 */
export async function startGateway(
  token: string,
  poolOptions: ConstructorParameters<typeof GreenletProcessPool>[0],
  serverOptions: Omit<StartA2AServerOptions, 'pool' | 'token'> = {},
): Promise<{ pool: GreenletProcessPool; server: A2AServer; client: Client; close(): Promise<void> }> {
  const pool = new GreenletProcessPool(poolOptions);
  let server: A2AServer | undefined;
  try {
    await pool.start();
    server = await startA2AServer({ pool, token, ...serverOptions });
    const client = await connectA2A(server.url, token);
    const started = server;
    return {
      pool,
      server,
      client,
      async close() {
        await started.close();
        await pool.shutdown({ timeout: 2_000 });
      },
    };
  } catch (err) {
    // A half-started gateway must not leave Python workers behind.
    await server?.close();
    await pool.shutdown({ timeout: 2_000 });
    throw err;
  }
}
