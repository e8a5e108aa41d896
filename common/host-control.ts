// What may be asked of a cluster host over the broker (and over the API's controlHost, which
// forwards it): operational commands only — stats, recycle, scale, and the pool options the
// option table marks live. What decides which code runs (agent, interpreter, Python paths,
// environment) comes only from the host's own config file or command line: anyone who can
// publish on a control subject must not be able to run a program as the hosts' user.
// One schema for both doors: the contract's controlHost input and the host's own check
// (main/cluster/host-control.ts), so the API cannot accept what a host refuses. Imports zod
// and the option table only.
import { z } from 'zod';
import { POOL_OPTION_ENTRIES, POOL_OPTION_TABLE, type PoolOptionName } from './pool-options-table';

/** Options that decide which code a worker runs: never from a control message. */
export const LAUNCH_OPTIONS: ReadonlySet<string> = new Set<PoolOptionName>(['agent', 'agentId', 'capabilities', 'pythonPath', 'pythonPaths', 'env']);

/** Options a running host may take over the broker: those applied without new worker processes. */
export const LIVE_OPTIONS: ReadonlySet<string> = new Set(POOL_OPTION_ENTRIES.filter(([, s]) => !s.restartsWorkers && !s.engineOnly).map(([n]) => n));

/** Why `field` may not be set over the broker, or null when it may. */
export function remoteOptionProblem(field: string): string | null {
  if (LAUNCH_OPTIONS.has(field))
    return "decides which code the host runs, so it is never taken from a control message: set it in the host's own config file or command line";
  if (LIVE_OPTIONS.has(field)) return null;
  if (Object.hasOwn(POOL_OPTION_TABLE, field)) return "needs new worker processes: set it in the host's own config file";
  return 'is not a pool option';
}

const patch = z.record(z.string(), z.unknown()).superRefine((p, ctx) => {
  for (const field of Object.keys(p)) {
    const why = remoteOptionProblem(field);
    if (why) ctx.addIssue({ code: 'custom', path: [field], message: why });
  }
});

const shapes = {
  stats: { op: z.literal('stats') },
  recycle: { op: z.literal('recycle') }, // rolling recycle of every worker on the host
  recycleWorker: { op: z.literal('recycleWorker'), workerId: z.string().min(1).max(64) },
  scale: { op: z.literal('scale'), minWorkers: z.number().int().min(1).max(64), maxWorkers: z.number().int().min(1).max(64) },
  config: { op: z.literal('config'), patch }, // live pool options, values checked by the host's engine
};

/** A control request as it travels on gcc.<pool>.control.<hostId>. */
export const hostControlRequestSchema = z.discriminatedUnion('op', [
  z.strictObject(shapes.stats),
  z.strictObject(shapes.recycle),
  z.strictObject(shapes.recycleWorker),
  z.strictObject(shapes.scale),
  z.strictObject(shapes.config),
]);
export type HostControlRequest = z.infer<typeof hostControlRequestSchema>;

const hostId = { hostId: z.string().regex(/^([A-Za-z0-9_-]{1,64})$/) }; // 'all' reaches every host

/** The API's controlHost input: the same requests, addressed to a host. */
export const controlHostInputSchema = z.discriminatedUnion('op', [
  z.strictObject({ ...hostId, ...shapes.stats }),
  z.strictObject({ ...hostId, ...shapes.recycle }),
  z.strictObject({ ...hostId, ...shapes.recycleWorker }),
  z.strictObject({ ...hostId, ...shapes.scale }),
  z.strictObject({ ...hostId, ...shapes.config }),
]);
