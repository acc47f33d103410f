import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { timeSample } from '../../src/engine/sample-time.js';
import { createFolderSource } from '../../src/local/folder/folder-source.js';
import type { SourceObject } from '../../src/ports/source.js';

// Issue 27, item 8: the preview's time sample is bounded by the work, not by stored bytes: gzip
// files that inflate a thousandfold are read only in part (8 such files took a dry run 30 s).

const PART = 'data_type=json/analytics_environment=live/event_category=c/event_ds=2026-03-01/event_time=0-8';

describe('the time sample of gzip bombs', () => {
  it('reads each only in part: a point is the stored bytes consumed in its share of the time', async () => {
    const base = mkdtempSync(join(tmpdir(), 'bomb-'));
    const dir = join(base, ...PART.split('/'));
    mkdirSync(dir, { recursive: true });
    // One gzip member of 1 MiB of events, repeated: 256 MiB of events in about a megabyte.
    const member = gzipSync(Buffer.from('{"eventClass":"c","eventId":"1"}\n'.repeat(32 * 1024)));
    const bomb = Buffer.concat(Array.from({ length: 256 }, () => member));
    for (let i = 0; i < 8; i++) writeFileSync(join(dir, `b${i}.json.gz`), bomb);
    const source = await createFolderSource(base);
    const sample: SourceObject[] = [];
    for await (const o of source.list(`${PART}/`)) sample.push(o);
    const timing = await timeSample(source, sample);
    expect(timing.points).toHaveLength(8);
    for (const p of timing.points) expect(p.bytes).toBeLessThan(bomb.length / 2);
  }, 60_000);
});
