// Framing over real Node streams: line splitting across chunk boundaries
// (including multi-byte UTF-8 cut in the middle), the line-length bound, and
// write coalescing with backpressure, and the shared budget of unfinished replies.
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { FrameWriter, LineSplitter, ReplyBudget } from './framing';
import { sleep } from '../../../common/test-support/wait';

function split(chunks: Buffer[], max?: number) {
  const lines: string[] = [];
  const overflows: number[] = [];
  const s = new LineSplitter(
    (l) => lines.push(l),
    max,
    (bytes) => overflows.push(bytes),
  );
  for (const c of chunks) s.push(c);
  return { lines, overflows, rest: s.end() };
}

describe('LineSplitter', () => {
  it('splits several lines in one chunk and keeps an unterminated tail', () => {
    const { lines, rest } = split([Buffer.from('a\nbb\n\nccc')]);
    expect(lines).toEqual(['a', 'bb', '']);
    expect(rest).toBe('ccc');
  });

  it('joins a line cut across many chunks', () => {
    const { lines, rest } = split(['{"a":', '1,"b"', ':2}\n{"c"', ':3}\n'].map((s) => Buffer.from(s)));
    expect(lines).toEqual(['{"a":1,"b":2}', '{"c":3}']);
    expect(rest).toBeNull();
  });

  it('decodes multi-byte UTF-8 split at every byte boundary', () => {
    const text = 'grüße ✓ 日本 🐍';
    const bytes = Buffer.from(`${text}\n${text}\n`);
    for (let cut = 1; cut < bytes.length; cut++) {
      const { lines } = split([bytes.subarray(0, cut), bytes.subarray(cut)]);
      expect(lines, `cut at ${cut}`).toEqual([text, text]);
    }
    const { lines } = split([...bytes].map((b) => Buffer.from([b])));
    expect(lines).toEqual([text, text]);
  });

  it('drops a line longer than the bound, whole or in pieces, and resumes after it', () => {
    const whole = split([Buffer.from(`ok\n${'x'.repeat(50)}\nnext\n`)], 20);
    expect(whole.lines).toEqual(['ok', 'next']);
    expect(whole.overflows).toEqual([50]);
    const pieces = split([Buffer.from('x'.repeat(15)), Buffer.from('x'.repeat(15)), Buffer.from('x'.repeat(15) + '\nafter\n')], 20);
    expect(pieces.lines).toEqual(['after']);
    expect(pieces.overflows).toHaveLength(1);
  });

  it('does not alias the chunk memory it keeps', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l));
    const chunk = Buffer.from('abc');
    s.push(chunk);
    chunk.fill(0x7a); // the stream may reuse its buffer
    s.push(Buffer.from('\n'));
    expect(lines).toEqual(['abc']);
  });
});

describe('FrameWriter', () => {
  it('coalesces frames written in the same tick into one write', async () => {
    const writes: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        writes.push(String(chunk));
        cb();
      },
    });
    const w = new FrameWriter(sink);
    w.write('a\n');
    w.write('b\n');
    w.write('c\n');
    expect(writes).toEqual([]);
    await Promise.resolve();
    expect(writes).toEqual(['a\nb\nc\n']);
    w.write('d\n');
    await Promise.resolve();
    expect(writes).toEqual(['a\nb\nc\n', 'd\n']);
  });

  it('stops writing when the stream is full and resumes on drain, losing nothing', async () => {
    const pipe = new PassThrough({ highWaterMark: 16 });
    let stalls = 0;
    const w = new FrameWriter(pipe, () => stalls++);
    w.write('x'.repeat(32) + '\n');
    await Promise.resolve();
    expect(w.isBlocked).toBe(true);
    w.write('second\n');
    w.write('third\n');
    await Promise.resolve();
    expect(w.pendingChars).toBe('second\nthird\n'.length); // held, not written into a full stream
    let got = '';
    pipe.on('data', (c) => (got += String(c)));
    await sleep(20);
    expect(got).toBe(`${'x'.repeat(32)}\nsecond\nthird\n`);
    expect(w.isBlocked).toBe(false);
    expect(stalls).toBe(1);
  });

  it('drops held frames after close()', async () => {
    const writes: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        writes.push(String(chunk));
        cb();
      },
    });
    const w = new FrameWriter(sink);
    w.write('a\n');
    w.close();
    w.write('b\n');
    await Promise.resolve();
    expect(writes).toEqual([]);
  });
});

describe('ReplyBudget', () => {
  // Real PassThrough streams stand in for worker stdout: the budget only pauses and resumes them.
  const reader = () => new PassThrough();

  it('under the limit nobody is paused', () => {
    const b = new ReplyBudget(100);
    const [r1, r2] = [reader(), reader()];
    b.update(r1, 40);
    b.update(r2, 60);
    expect([r1.isPaused(), r2.isPaused(), b.pauses, b.heldBytes]).toEqual([false, false, 0, 100]);
  });

  it('over the limit only the largest holder keeps reading, and all resume once a frame completes', () => {
    const b = new ReplyBudget(100);
    const [r1, r2, r3] = [reader(), reader(), reader()];
    b.update(r1, 30);
    b.update(r2, 50);
    b.update(r3, 40); // 120 > 100: r2 holds the most
    expect([r1.isPaused(), r2.isPaused(), r3.isPaused()]).toEqual([true, false, true]);
    b.update(r2, 90); // the leader keeps reading past the limit: its frame must be able to finish
    expect(r2.isPaused()).toBe(false);
    b.update(r2, 0); // its frame completed: 70 held
    expect([r1.isPaused(), r2.isPaused(), r3.isPaused()]).toEqual([false, false, false]);
    expect(b.pauses).toBe(2);
    expect(b.peakBytes).toBe(160);
  });

  it('a paused reader becomes the leader when it holds the most, and release() frees a dead reader', () => {
    const b = new ReplyBudget(100);
    const [r1, r2] = [reader(), reader()];
    b.update(r1, 80);
    b.update(r2, 50); // r2 paused
    b.update(r1, 20); // still over? 70: no — all resume
    expect(r2.isPaused()).toBe(false);
    b.update(r1, 90); // 140: r1 leads, r2 paused again
    expect(r2.isPaused()).toBe(true);
    b.release(r1); // r1's process exited: forget what it held
    expect([r2.isPaused(), b.heldBytes]).toEqual([false, 50]);
  });
});
