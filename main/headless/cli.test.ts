import { describe, expect, it } from 'vitest';
import { CliError, DEFAULT_HOST, DEFAULT_PORT, defaultDataDir, isLoopbackHost, parseServeArgs } from './cli';

const noEnv = {} as NodeJS.ProcessEnv;

describe('parseServeArgs', () => {
  it('defaults to loopback port 7420 with no token (one is generated later)', () => {
    const o = parseServeArgs([], noEnv);
    expect(o).toMatchObject({ port: DEFAULT_PORT, host: DEFAULT_HOST, metricsPublic: false });
    expect(o.token).toBeUndefined();
    expect(o.dataDir).toBe(defaultDataDir());
  });

  it('reads every option', () => {
    const o = parseServeArgs(
      ['--port', '0', '--host', '0.0.0.0', '--token', 'secret-token', '--data-dir', '/tmp/x', '--static-dir', '/tmp/s', '--metrics-public'],
      noEnv,
    );
    expect(o).toEqual({ port: 0, host: '0.0.0.0', token: 'secret-token', dataDir: '/tmp/x', staticDir: '/tmp/s', metricsPublic: true });
  });

  it('refuses a non-loopback host without a token, with exit code 2 and a reason', () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.10', 'example.org']) {
      const attempt = () => parseServeArgs(['--host', host], noEnv);
      expect(attempt).toThrow(CliError);
      expect(attempt).toThrow(/without --token/);
      try {
        attempt();
      } catch (e) {
        expect((e as CliError).exitCode).toBe(2);
      }
    }
  });

  it('accepts a non-loopback host when the token comes from GREENLET_CC_TOKEN', () => {
    expect(parseServeArgs(['--host', '0.0.0.0'], { GREENLET_CC_TOKEN: 'from-the-env' }).token).toBe('from-the-env');
  });

  it('refuses a bad port, a short token and unknown flags', () => {
    expect(() => parseServeArgs(['--port', '70000'], noEnv)).toThrow(/--port/);
    expect(() => parseServeArgs(['--port', 'abc'], noEnv)).toThrow(/--port/);
    expect(() => parseServeArgs(['--token', 'short'], noEnv)).toThrow(/at least 8/);
    expect(() => parseServeArgs(['--frobnicate'], noEnv)).toThrow(/Usage/);
  });

  it('refuses a token no client could send (whitespace or control characters in it)', () => {
    // "Authorization: Bearer <t>" carries one whitespace-free token: such a server would answer 401 to everyone.
    expect(() => parseServeArgs(['--token', 'my secret token'], noEnv)).toThrow(/--token/);
    expect(() => parseServeArgs([], { GREENLET_CC_TOKEN: 'token-with-newline\n' })).toThrow(/--token/);
    expect(parseServeArgs(['--token', 'A-zZ_09.~+/=!token'], noEnv).token).toBe('A-zZ_09.~+/=!token');
  });
});

describe('isLoopbackHost', () => {
  it('recognises loopback names and addresses only', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['0.0.0.0', '::', '10.0.0.1', 'localhost.example.org', '1270.0.0.1']) expect(isLoopbackHost(h)).toBe(false);
  });
});

describe('defaultDataDir', () => {
  it('matches where Electron keeps userData on each platform', () => {
    expect(defaultDataDir({}, 'linux', '/home/op')).toBe('/home/op/.config/Greenlet Control Center');
    expect(defaultDataDir({ XDG_CONFIG_HOME: '/xdg' }, 'linux', '/home/op')).toBe('/xdg/Greenlet Control Center');
    expect(defaultDataDir({}, 'darwin', '/Users/op')).toBe('/Users/op/Library/Application Support/Greenlet Control Center');
    expect(defaultDataDir({ APPDATA: 'C:\\Users\\op\\AppData\\Roaming' }, 'win32', 'C:\\Users\\op')).toMatch(/Roaming.Greenlet Control Center$/);
  });
});

describe('parseServeArgs: cluster options', () => {
  it('reads --join with --host-id, and --cluster-config', () => {
    const o = parseServeArgs(['--join', 'nats://127.0.0.1:4222', '--host-id', 'h-1', '--cluster-config', '/tmp/c.json'], noEnv);
    expect(o).toMatchObject({ join: 'nats://127.0.0.1:4222', hostId: 'h-1', clusterConfig: '/tmp/c.json' });
  });

  it('refuses credentials in the URL (they would show in ps), naming the flag', () => {
    expect(() => parseServeArgs(['--join', 'nats://user:secret@127.0.0.1:4222'], noEnv)).toThrow(/--join must be nats:\/\/host:port/);
    expect(() => parseServeArgs(['--cluster', 'http://x'], noEnv)).toThrow(/--cluster must be/);
  });

  it('refuses two cluster modes at once and a host id without --join', () => {
    expect(() => parseServeArgs(['--join', 'nats://a:1', '--cluster-demo'], noEnv)).toThrow(/exclude each other/);
    expect(() => parseServeArgs(['--host-id', 'h1'], noEnv)).toThrow(/--host-id needs --join/);
    expect(() => parseServeArgs(['--join', 'nats://a:1', '--host-id', 'bad id'], noEnv)).toThrow(/--host-id must be/);
  });
});
