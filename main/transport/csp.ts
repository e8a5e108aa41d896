// Content-Security-Policy for the renderer, shared by the Electron shell and
// the headless server so both hosts enforce the same rules. Recharts sets
// style attributes, hence 'unsafe-inline' for styles only; never eval.
const PRODUCTION = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'frame-ancestors': ["'none'"],
  'form-action': ["'none'"],
};

const render = (p: Record<string, string[]>) =>
  Object.entries(p)
    .map(([k, v]) => `${k} ${v.join(' ')}`)
    .join('; ');

export const CONTENT_SECURITY_POLICY = render(PRODUCTION);

/**
 * The Vite dev server (electron-vite dev only) injects React Refresh's inline
 * preamble and talks to its HMR websocket; production builds never get this.
 */
export function devContentSecurityPolicy(devOrigin: string): string {
  const ws = devOrigin.replace(/^http/, 'ws');
  return render({
    ...PRODUCTION,
    'script-src': ["'self'", "'unsafe-inline'", devOrigin],
    'connect-src': ["'self'", devOrigin, ws],
  });
}
