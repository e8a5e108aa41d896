// The control plane's door: the service (ControlPlane, control-plane.ts) and what its users
// need beside it. Rooms: config/ (config file, pool options, secrets), observation/ (sampler,
// history, alerts, event log, snapshot, cluster view), python/ (interpreter set-up and checks),
// handlers/ (the typed API onto core.ts's PlaneCore), tuning/ (load generator, experiments).
export * from './control-plane';
