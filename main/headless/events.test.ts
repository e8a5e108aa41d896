// The event stream's ids, replay buffer and Last-Event-ID: a client that
// reconnects misses nothing, and one whose gap is too old is told to resync.
// Real loopback servers over a real control plane (samples every 200 ms).
import { beforeAll, describe, expect, it } from 'vitest';
import type { HeadlessServer } from './server';
import { TOKEN, readEventFrames, sharedPlane, type EventFrame as Frame } from './test-helpers';

const { serve } = sharedPlane();

/** Opens the stream and reads frames until `until` says stop (or the stream ends); then closes it. */
const readFrames = (url: string, until: (frames: Frame[]) => boolean, headers: Record<string, string> = {}) =>
  readEventFrames(url, until, { headers });

const seqOf = (id: string | undefined) => Number(/-(\d+)$/.exec(id ?? '')?.[1]);
const eventsOnly = (frames: Frame[]) => frames.filter((f) => f.event !== 'connected' && f.event !== 'resync');
const streamUrl = (s: HeadlessServer, query = '') => `${s.url}/api/events?token=${TOKEN}${query}`;
const hasConnected = (fs: Frame[]) => fs.some((f) => f.event === 'connected');

describe('event ids and replay', () => {
  let s: HeadlessServer;
  beforeAll(async () => {
    s = await serve();
  });

  it('starts with a connected event carrying an id, and every event has a run-scoped, increasing id', async () => {
    const frames = await readFrames(streamUrl(s), (fs) => eventsOnly(fs).length >= 3);
    expect(frames[0]).toMatchObject({ event: 'connected', id: expect.stringMatching(/^[0-9a-f]+-\d+$/), data: { replayed: 0 } });
    const seqs = frames.map((f) => seqOf(f.id));
    expect(seqs.every(Number.isFinite)).toBe(true);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1]!);
    const run = (id?: string) => id?.split('-')[0];
    expect(new Set(frames.map((f) => run(f.id))).size).toBe(1);
  });

  it.each([
    ['the Last-Event-ID header (EventSource reconnecting)', 'header'],
    ['?lastEventId= (a client opening a new stream)', 'query'],
  ])('a client reconnecting with %s gets every event it missed, in order, then connected', async (_name, how) => {
    const first = eventsOnly(await readFrames(streamUrl(s), (fs) => eventsOnly(fs).length >= 3));
    const last = first[0]!.id!; // pretend the client only got the first one
    // wait (through another client) until more events happened while it was away
    await readFrames(streamUrl(s), (fs) => eventsOnly(fs).length >= 2);
    const again = await readFrames(
      how === 'header' ? streamUrl(s) : streamUrl(s, `&lastEventId=${encodeURIComponent(last)}`),
      hasConnected,
      how === 'header' ? { 'Last-Event-ID': last } : {},
    );
    const replayed = eventsOnly(again);
    const connected = again.at(-1)!;
    expect(connected).toMatchObject({ event: 'connected', data: { replayed: replayed.length } });
    // contiguous from the one after `last` up to the current id: nothing missed, nothing twice
    expect(replayed.map((f) => seqOf(f.id))).toEqual(Array.from({ length: replayed.length }, (_, i) => seqOf(last) + 1 + i));
    expect(seqOf(connected.id)).toBe(seqOf(last) + replayed.length);
    expect(replayed.slice(0, 2)).toEqual(first.slice(1, 3)); // the very frames the first connection saw
    expect(again.some((f) => f.event === 'resync')).toBe(false);
  });
});

describe('resync', () => {
  it('an id older than the replay buffer gets a resync event saying so, then the stream goes on', async () => {
    const s = await serve({ replayMaxEvents: 3 });
    const first = eventsOnly(await readFrames(streamUrl(s), (fs) => eventsOnly(fs).length >= 1));
    const old = first[0]!.id!;
    await readFrames(streamUrl(s), (fs) => eventsOnly(fs).some((f) => seqOf(f.id) > seqOf(old) + 4)); // more than the buffer holds
    const again = await readFrames(streamUrl(s), (fs) => eventsOnly(fs).length >= 1, { 'Last-Event-ID': old });
    expect(again[0]).toMatchObject({ event: 'resync', data: { reason: expect.stringMatching(/older than the replay buffer/), lastEventId: old } });
    expect(again[1]).toMatchObject({ event: 'connected', data: { replayed: 0 } });
    expect(again[0]!.id).toBe(again[1]!.id); // the client resumes from here next time
    expect(seqOf(eventsOnly(again)[0]!.id)).toBe(seqOf(again[1]!.id) + 1);
  });

  it.each([
    ['from another server run (a restart)', '0badc0de-1'],
    ['ahead of the stream', 'x'],
    ['that is not an id at all', 'garbage'],
  ])('an id %s gets a resync event', async (_name, id) => {
    const s = await serve();
    const own = (await readFrames(streamUrl(s), hasConnected))[0]!.id!;
    const given = id === 'x' ? `${own.split('-')[0]}-999999` : id;
    const again = await readFrames(streamUrl(s), hasConnected, { 'Last-Event-ID': given });
    expect(again[0]).toMatchObject({ event: 'resync', data: { lastEventId: given } });
  });
});
