// @vitest-environment jsdom
// The HTTP client itself runs against the real headless server in the
// Playwright suite (every e2e test goes through it, reconnect included) and
// in main/headless/event-resume.test.ts (resuming by Last-Event-ID, resync);
// here: the token hand-over from the URL fragment.
import { beforeEach, describe, expect, it } from 'vitest';
import { takeToken } from './http';

describe('takeToken', () => {
  beforeEach(() => {
    sessionStorage.clear();
    history.replaceState(null, '', '/');
  });

  it('takes the token from #token=…, keeps it for reloads and removes it from the address bar', () => {
    history.replaceState(null, '', '/index.html?x=1#token=abc%2Fdef');
    expect(takeToken(location, sessionStorage, history)).toBe('abc/def');
    expect(sessionStorage.getItem('gcc.token')).toBe('abc/def');
    expect(location.hash).toBe('');
    expect(location.pathname + location.search).toBe('/index.html?x=1');
    // a reload without the fragment still has it
    expect(takeToken(location, sessionStorage, history)).toBe('abc/def');
  });

  it('returns null when the page was opened without a token', () => {
    expect(takeToken(location, sessionStorage, history)).toBeNull();
  });
});
