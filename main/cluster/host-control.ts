// Per-host request/reply control: recycle, rolling recycle, scale and config
// reach one host on gcc.<pool>.control.<hostId> or every host on
// gcc.<pool>.control.all (each host answers for itself). Requests are parsed
// as unknown and checked before anything is applied.
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { PoolOptions } from '../pool/index';
import type { HostControlReply, HostControlRequest } from '../../common/cluster-types';
import type { HostAgent } from './host-agent';
import type { ClusterOptions } from './options';
import { names } from './topology';
import { decode, encode } from './wire';

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
            void this.handle(msg.data).then((reply) => msg.respond(encode(reply)));
          },
        }),
      );
    }
  }

  async handle(data: Uint8Array): Promise<HostControlReply> {
    const hostId = this.host.hostId;
    try {
      const req = decode<HostControlRequest>(data);
      const pool = this.host.pool;
      switch (req?.op) {
        case 'stats':
          return { hostId, ok: true, result: pool.getDetailedStats() };
        case 'recycle':
          return { hostId, ok: true, result: { recycled: await pool.recycleAll('manual') } };
        case 'recycleWorker':
          return { hostId, ok: true, result: { recycled: await pool.recycleWorker(String(req.workerId)) } };
        case 'scale': {
          const c = pool.scale(Number(req.minWorkers), Number(req.maxWorkers));
          return { hostId, ok: true, result: { applied: c.applied, restartRequired: c.restartRequired } };
        }
        case 'config': {
          if (req.patch === null || typeof req.patch !== 'object') throw Object.assign(new Error('patch must be an object'), { code: 'ERR_INVALID_OPTION' });
          const c = pool.updateConfig(req.patch as Partial<PoolOptions>);
          return { hostId, ok: true, result: { applied: c.applied, restartRequired: c.restartRequired } };
        }
        default:
          return { hostId, ok: false, error: { code: 'ERR_INVALID_OPTION', message: 'op must be stats, recycle, recycleWorker, scale or config' } };
      }
    } catch (err) {
      const e = err as { code?: string; message?: string };
      return { hostId, ok: false, error: { code: e.code ?? 'ERR_PROTOCOL', message: e.message ?? String(err) } };
    }
  }
}
