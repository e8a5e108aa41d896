// What travels between callers and hosts besides the payload: the result
// record stored (first writer wins) in the results bucket, and the host
// record each host announces in the hosts bucket.
import type { PoolErrorCode } from '../pool/index';

export interface ResultRecord {
  ok: boolean;
  result?: unknown;
  error?: { code: PoolErrorCode | 'ERR_CLUSTER_UNAVAILABLE'; message: string; details?: unknown };
  hostId: string;
  workerId?: string;
  delivery: number; // which JetStream delivery produced it (1 = first)
  runMs?: number;
}

export type { HostRecord, HostState } from '../../common/cluster-types';

const te = new TextEncoder();
const td = new TextDecoder();
export const encode = (v: unknown): Uint8Array => te.encode(JSON.stringify(v));
export const decode = <T>(b: Uint8Array): T => JSON.parse(td.decode(b)) as T;

export function errorRecord(hostId: string, delivery: number, err: unknown): ResultRecord {
  const e = err as { code?: string; message?: string; details?: unknown };
  const error: ResultRecord['error'] = { code: (e?.code ?? 'ERR_AGENT') as PoolErrorCode, message: e?.message ?? String(err) };
  if (e?.details !== undefined) error.details = e.details;
  return { ok: false, error, hostId, delivery };
}
