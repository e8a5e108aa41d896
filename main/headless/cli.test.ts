import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliError, DEFAULT_HOST, DEFAULT_PORT, defaultDataDir, isLoopbackHost, parseServeArgs, readTokenFile } from './cli';

const tmp = mkdtempSync(join(tmpdir(), 'gcc-cli-'));
/** A token file with the given mode (chmod after writing: the umask must not decide). */
function tokenFile(content: string, mode: number): string {
  const file = join(tmp, `token-${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, content);
  chmodSync(file, mode);
  return file;
}

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
      [
        '--port',
        '0',
        '--host',
        '0.0.0.0',
        '--token-file',
        tokenFile('secret-token\n', 0o600),
        '--data-dir',
        '/tmp/x',
        '--static-dir',
        '/tmp/s',
        '--metrics-public',
      ],
      noEnv,
    );
    expect(o).toEqual({
      port: 0,
      host: '0.0.0.0',
      token: 'secret-token',
      tokenSource: 'file',
      rotateToken: false,
      dataDir: '/tmp/x',
      staticDir: '/tmp/s',
      metricsPublic: true,
      allowedHosts: [],
    });
  });

  it('takes --allowed-host more than once (a reverse proxy passing its own Host) and refuses a malformed one', () => {
    expect(parseServeArgs(['--allowed-host', 'ops.example.com', '--allowed-host', '127.0.0.1:8080'], noEnv).allowedHosts).toEqual([
      'ops.example.com',
      '127.0.0.1:8080',
    ]);
    const bad = () => parseServeArgs(['--allowed-host', 'http://x/'], noEnv);
    expect(bad).toThrow(CliError);
    expect(bad).toThrow(/--allowed-host: entry "http:\/\/x\/" must be a host name or host:port/);
  });

  it('refuses a non-loopback host without a token, with exit code 2 and a reason', () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.10', 'example.org']) {
      const attempt = () => parseServeArgs(['--host', host], noEnv);
      expect(attempt).toThrow(CliError);
      expect(attempt).toThrow(/without a token.*--token-file/);
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
    expect(() => parseServeArgs([], { GREENLET_CC_TOKEN: 'short' })).toThrow(/at least 8/);
    expect(() => parseServeArgs(['--frobnicate'], noEnv)).toThrow(/Usage/);
  });

  it('refuses a token no client could send (whitespace or control characters in it)', () => {
    // "Authorization: Bearer <t>" carries one whitespace-free token: such a server would answer 401 to everyone.
    expect(() => parseServeArgs(['--token-file', tokenFile('my secret token', 0o600)], noEnv)).toThrow(/printable ASCII/);
    expect(() => parseServeArgs([], { GREENLET_CC_TOKEN: 'token-with-newline\n' })).toThrow(/GREENLET_CC_TOKEN/);
    expect(parseServeArgs([], { GREENLET_CC_TOKEN: 'A-zZ_09.~+/=!token' }).token).toBe('A-zZ_09.~+/=!token');
  });

  it('refuses --token on the command line (any local user can read argv) and says to use a file or the env', () => {
    for (const args of [['--token', 'a-long-enough-token'], ['--token=a-long-enough-token']]) {
      expect(() => parseServeArgs(args, noEnv)).toThrow(CliError);
      expect(() => parseServeArgs(args, noEnv)).toThrow(/--token-file.*GREENLET_CC_TOKEN/);
    }
  });
});

describe('--token-file', () => {
  it('reads a 0600 file owned by this user, without its trailing newline', () => {
    expect(readTokenFile(tokenFile('file-token-0123\n', 0o600))).toBe('file-token-0123');
    expect(parseServeArgs(['--token-file', tokenFile('file-token-0123', 0o400)], noEnv).token).toBe('file-token-0123');
  });

  it.skipIf(process.platform === 'win32')('refuses a group- or world-readable file, naming the mode and the fix', () => {
    for (const mode of [0o640, 0o604, 0o644]) {
      const file = tokenFile('file-token-0123', mode);
      expect(() => readTokenFile(file)).toThrow(new RegExp(`readable by group or others \\(mode 0${mode.toString(8)}\\).*chmod 600`));
    }
  });

  it.skipIf(process.platform === 'win32')('refuses a file owned by another user, a directory and a missing file', () => {
    expect(() => readTokenFile(tokenFile('file-token-0123', 0o600), 4242)).toThrow(/owned by uid \d+, not by this user/);
    expect(() => readTokenFile(tmp)).toThrow(/not a regular file/);
    expect(() => readTokenFile(join(tmp, 'missing'))).toThrow(/cannot read it \(ENOENT\)/);
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

  it('takes --insecure-broker with --join or --cluster only', () => {
    expect(parseServeArgs(['--cluster', 'nats://a:1', '--insecure-broker'], noEnv).insecureBroker).toBe(true);
    expect(parseServeArgs(['--join', 'nats://a:1'], noEnv).insecureBroker).toBeUndefined();
    expect(() => parseServeArgs(['--insecure-broker'], noEnv)).toThrow(/--insecure-broker needs --join or --cluster/);
  });

  it('refuses two cluster modes at once and a host id without --join', () => {
    expect(() => parseServeArgs(['--join', 'nats://a:1', '--cluster-demo'], noEnv)).toThrow(/exclude each other/);
    expect(() => parseServeArgs(['--host-id', 'h1'], noEnv)).toThrow(/--host-id needs --join/);
    expect(() => parseServeArgs(['--join', 'nats://a:1', '--host-id', 'bad id'], noEnv)).toThrow(/--host-id must be/);
  });
});

describe('--rotate-token', () => {
  it('is refused next to a given token: it replaces the saved one only', () => {
    expect(parseServeArgs(['--rotate-token'], noEnv).rotateToken).toBe(true);
    expect(() => parseServeArgs(['--rotate-token'], { GREENLET_CC_TOKEN: 'a-long-enough-token' } as NodeJS.ProcessEnv)).toThrow(
      /--rotate-token .* cannot be combined with GREENLET_CC_TOKEN/,
    );
  });
});
