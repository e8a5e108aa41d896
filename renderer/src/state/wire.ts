// Subscriptions live here, outside components: one listener per contract
// event feeds the stores, so no widget polls. After a lost connection the
// stores are resynced from the host once the stream is back.
import type { ControlCenterApi } from '../../../common/contract';
import type { Transport } from '../api';
import { setApi } from './api';
import { useAlerts } from './alerts';
import { useConfig } from './config';
import { useConnection } from './connection';
import { useEvents } from './events';
import { useHosts } from './hosts';
import { useLoad } from './load';
import { useMetrics } from './metrics';
import { usePython } from './python';
import { useStats } from './stats';
import { useTuning } from './tuning';

export function subscribe(api: ControlCenterApi): () => void {
  const offs = [
    api.on('stats', (s) => useStats.getState().setStats(s)),
    api.on('metrics.sample', (s) => useMetrics.getState().addSample(s)),
    api.on('alert.raised', (a) => useAlerts.getState().raised(a)),
    api.on('alert.cleared', (a) => useAlerts.getState().cleared(a)),
    api.on('log', (e) => useEvents.getState().add(e)),
    api.on('config.changed', (c) => useConfig.getState().setConfig(c)),
    api.on('load.status', (s) => useLoad.getState().setStatus(s)),
    api.on('python.setup', (p) => usePython.getState().setProgress(p)),
    api.on('hosts', (v) => useHosts.getState().setView(v)),
    api.on('tuning.progress', (e) => useTuning.getState().upsert(e)),
  ];
  return () => offs.forEach((off) => off());
}

/** Pulls everything once: at start and after the stream reconnects. */
export async function resync(api: ControlCenterApi): Promise<void> {
  const results = await Promise.allSettled([
    api.getAppInfo({}).then((i) => useConnection.getState().setAppInfo(i)),
    api.getDetailedStats({}).then((s) => useStats.getState().setStats(s)),
    api.getConfig({}).then((c) => useConfig.getState().setConfig(c)),
    api.getAlerts({}).then((v) => useAlerts.getState().setView(v)),
    api.getEvents({ limit: 1000 }).then((e) => useEvents.getState().sync(e)),
    api.getLoadStatus({}).then((s) => useLoad.getState().setStatus(s)),
    api.getHosts({}).then((v) => useHosts.getState().setView(v)),
    useMetrics.getState().loadHistory(),
    useTuning.getState().load(),
  ]);
  // a wrong or missing token fails every call the same way: say so once, plainly
  if (results.some((r) => r.status === 'rejected' && (r.reason as { code?: string })?.code === 'ERR_UNAUTHORIZED'))
    useConnection.getState().setUnauthorized(true);
}

/** Active alerts in the tab title, so a background tab still says something is wrong. */
function titleFollowsAlerts(): () => void {
  const base = document.title;
  return useAlerts.subscribe((s) => {
    const crit = s.active.filter((a) => a.severity === 'critical').length;
    document.title = s.active.length ? `(${s.active.length}${crit ? '!' : ''}) ${base}` : base;
  });
}

export function startSession(t: Transport): () => void {
  setApi(t.api);
  const offTitle = titleFollowsAlerts();
  useConnection.getState().setMode(t.mode);
  const off = subscribe(t.api);
  let wasLost = false;
  const offLink = t.onLink((link, detail) => {
    useConnection.getState().setLink(link, detail);
    if (link === 'lost' || link === 'unauthorized') wasLost = true;
    if (link === 'open' && wasLost) {
      // events emitted during the gap were missed: catch up from the host
      wasLost = false;
      void resync(t.api);
    }
  });
  void resync(t.api);
  return () => {
    off();
    offLink();
    offTitle();
  };
}
