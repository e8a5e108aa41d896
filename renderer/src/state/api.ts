// The one API instance the stores' async actions use. Set once at start
// (main.tsx) — tests set their own.
import type { ControlCenterApi } from '../../../common/contract';

let current: ControlCenterApi | null = null;
export const setApi = (api: ControlCenterApi | null) => void (current = api);
export function api(): ControlCenterApi {
  if (!current) throw new Error('API not set');
  return current;
}

/** Message of an HTTP ApiCallError or of the plain { code, message } object the Electron bridge rejects with. */
export const errorText = (err: unknown): string =>
  err && typeof err === 'object' && 'message' in err ? String((err as { message: unknown }).message) : String(err);
