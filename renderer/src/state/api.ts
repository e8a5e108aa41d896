// The one API instance the stores' async actions use. Set once at start
// (main.tsx) — tests set their own.
import type { ControlCenterApi } from '../../../preload/contract';

let current: ControlCenterApi | null = null;
export const setApi = (api: ControlCenterApi | null) => void (current = api);
export function api(): ControlCenterApi {
  if (!current) throw new Error('API not set');
  return current;
}

export const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));
