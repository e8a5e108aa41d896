// Per-host request/reply control: recycle, rolling recycle, scale and config
// reach one host on gcc.<pool>.control.<hostId> or every host on
// gcc.<pool>.control.all (each host answers for itself). Requests are parsed
// as unknown with the contract's schema (common/host-control.ts) before anything
// is applied: operational commands only — agent, interpreter, paths and env come
// from this host's own config file or command line, never from the broker.
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { PoolOptions } from '../pool/index';
import type { HostControlReply } from '../../common/cluster-types';
import type { HostAgent } from './host-agent';
import type { ClusterOptions } from './options';
import { names } from './topology';
import { hostControlRequestSchema, type HostControlRequest } from '../../common/host-control';
import { encode } from './wire';

export class HostControl {
  private subs: Subscription[] = [];

  constructor(
    private readonly host: HostAgent,
    private readonly nc: NatsConnection,
    private readonly o: ClusterOptions,
  ) {}

  start(): void {
    const n = names(this.o.pool);
    for (const subject of [n.controlSubject(this.host.hostId), n.controlSubject('all')]) {
      this.subs.push(
        this.nc.subscribe(subject, {
          callback: (err, msg) => {
            if (err) return;
            void this.handle(msg.data, msg.subject).then((reply) => msg.respond(encode(reply)));
          },
        }),
      );
    }
  }

  async handle(data: Uint8Array, subject = 'control'): Promise<HostControlReply> {
    const hostId = this.host.hostId;
    try {
      const req = this.parse(data, subject);
      if ('error' in req) return { hostId, ok: false, error: req.error };
      const pool = this.host.pool;
      switch (req.op) {
        case 'stats':
          return { hostId, ok: true, result: pool.getDetailedStats() };
        case 'recycle':
          return { hostId, ok: true, result: { recycled: await pool.recycleAll('manual') } };
        case 'recycleWorker':
          return { hostId, ok: true, result: { recycled: await pool.recycleWorker(req.workerId) } };
        case 'scale': {
          const c = pool.scale(req.minWorkers, req.maxWorkers);
          return { hostId, ok: true, result: { applied: c.applied, restartRequired: c.restartRequired } };
        }
        case 'config': {
          // Live options only (the schema refused the rest by name); their values are the engine's to check.
          const c = pool.updateConfig(req.patch as Partial<PoolOptions>);
          return { hostId, ok: true, result: { applied: c.applied, restartRequired: c.restartRequired } };
        }
      }
    } catch (err) {
      const e = err as { code?: string; message?: string };
      return { hostId, ok: false, error: { code: e.code ?? 'ERR_PROTOCOL', message: e.message ?? String(err) } };
    }
  }

  /** Unknown until the schema says otherwise; a refusal names the field (e.g. patch.pythonPath) and nothing is applied. */
  private parse(data: Uint8Array, subject: string): HostControlRequest | { error: { code: string; message: string } } {
    let value: unknown;
    try {
      value = JSON.parse(new TextDecoder().decode(data));
    } catch {
      this.host.junk.drop('control', subject, 'not JSON');
      return { error: { code: 'ERR_PROTOCOL', message: 'control request is not JSON' } };
    }
    const r = hostControlRequestSchema.safeParse(value);
    if (r.success) return r.data;
    const issue = r.error.issues[0]!;
    const field = issue.path.join('.') || 'op';
    this.host.junk.drop('control', subject, `${field}: ${issue.message}`);
    return { error: { code: 'ERR_INVALID_OPTION', message: `${field}: ${issue.message}` } };
  }
}
