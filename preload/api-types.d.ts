// The type of window.controlCenter, derived from the contract (never a
// hand-written method list). Present in Electron (the preload exposes it);
// absent in a browser on headless mode, where the renderer uses HTTP.
// A rejected call's reason is the ApiErrorShape ({ code, message, issues? }).
import type { ControlCenterApi } from './contract';

declare global {
  interface Window {
    controlCenter?: ControlCenterApi;
  }
}

export {};
