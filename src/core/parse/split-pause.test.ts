import { describe, expect, it } from 'vitest';
import type { CandidateSink } from './candidate-sink.js';
import { CandidateSplitter } from './split-candidates.js';

/** A sink whose batch is full every `batch` candidates or rejects, and which records each step's share. */
function batchingSink(batch: number) {
  const ids: unknown[] = [];
  let held = 0;
  const sink: CandidateSink & { steps: number[] } = {
    steps: [],
    candidate: (value) => {
      ids.push((value as { eventId?: unknown } | null)?.eventId ?? value);
      held++;
    },
    reject: (text) => {
      ids.push(`reject:${text}`);
      held++;
    },
    holdsFull: () => held >= batch,
  };
  /** Pushes `text`, then resumes until done, taking the rows (emptying the batch) after each step. */
  const feed = (splitter: CandidateSplitter, text: string) => {
    splitter.push(text);
    do {
      sink.steps.push(held);
      held = 0;
    } while (splitter.resume());
  };
  return { sink, ids, feed };
}

const events = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => `{"eventClass":"c","eventId":"${from + i}"}`).join(',');

describe('a long text gives its rows a batch at a time', () => {
  for (const [name, text] of [
    ['a first line holding an array (a document)', `[${events(5000)}]\n{"eventClass":"c","eventId":"after"}\n`],
    [
      'an NDJSON line holding an array',
      `{"eventClass":"c","eventId":"before"}\n[${events(5000)}]\n{"eventClass":"c","eventId":"after"}\n`,
    ],
    ['a pretty-printed document', `[\n${events(5000).replace(/,/g, ',\n')}\n]\n`],
  ] as const) {
    it(`${name}: at most one batch per step, every candidate once and in order`, () => {
      const { sink, ids, feed } = batchingSink(1000);
      const splitter = new CandidateSplitter(sink, { maxLineBytes: 16 * 2 ** 20 });
      feed(splitter, text);
      splitter.end(false);
      const expected = text.match(/"eventId":"([^"]+)"/g)!.map((m) => m.slice(11, -1));
      expect(ids).toEqual(expected);
      // A step stops at the first candidate boundary after a full batch: a batch, and a line or so more.
      expect(Math.max(...sink.steps)).toBeLessThanOrEqual(1001);
      expect(sink.steps.length).toBeGreaterThanOrEqual(5);
    });
  }

  it('text pushed after the long line comes after its last element, even split mid-line', () => {
    const { sink, ids, feed } = batchingSink(100);
    const splitter = new CandidateSplitter(sink, { maxLineBytes: 16 * 2 ** 20 });
    const line = `{"eventClass":"c","eventId":"a"}\n[${events(450)}]\n{"eventClass":"c","eventId":"b"}\n[${events(3, 1000)}]`;
    feed(splitter, line.slice(0, 20));
    feed(splitter, line.slice(20, -10));
    feed(splitter, line.slice(-10));
    splitter.end(false);
    expect(ids).toEqual(['a', ...Array.from({ length: 450 }, (_, i) => `${i}`), 'b', '1000', '1001', '1002']);
    expect(Math.max(...sink.steps)).toBeLessThanOrEqual(101);
  });
});
