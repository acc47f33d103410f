import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../../scripts/emulators.sh', import.meta.url));

describe('scripts/emulators.sh install', () => {
  it('checks every prerequisite before building anything, naming each that is missing', () => {
    // A PATH with the shell's basics only: no go, no java.
    const bin = mkdtempSync(join(tmpdir(), 'emu-path-'));
    for (const tool of ['bash', 'dirname', 'mkdir', 'cat', 'printf']) {
      symlinkSync(execFileSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim(), join(bin, tool));
    }
    const r = spawnSync(join(bin, 'bash'), [SCRIPT, 'install'], { env: { PATH: bin, HOME: bin }, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('emulators: missing Go (to build fake-gcs-server and bigquery-emulator)');
    expect(r.stderr).toContain('emulators: missing a Java runtime for the Pub/Sub emulator');
    expect(r.stdout).not.toMatch(/building/);
  });
});
