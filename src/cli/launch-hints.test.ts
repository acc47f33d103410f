import { describe, expect, it } from 'vitest';
import { launchHints } from './launch-hints.js';

describe('launch hints', () => {
  it('loads the wizard only for a command line that may open it, short flags grouped or not', () => {
    const wizard = (argv: string[]) => launchHints(argv).mayOpenWizard;
    expect(wizard(['-b', 'gs://b'])).toBe(true);
    expect(wizard(['-ny'])).toBe(false);
    expect(wizard(['-yn', '-b', 'gs://b'])).toBe(false);
    expect(wizard(['--json'])).toBe(false);
    expect(wizard(['--resume=run-1'])).toBe(false);
    expect(wizard(['-hV'])).toBe(false);
    expect(wizard(['status', '--bogus'])).toBe(true);
  });

  it('knows a dry run and a command that only prints', () => {
    expect(launchHints(['-nb', 'x']).dryRun).toBe(true);
    expect(launchHints(['--dry-run=false']).dryRun).toBe(false);
    expect(launchHints(['--version']).printsOnly).toBe(true);
    expect(launchHints(['-h']).printsOnly).toBe(true);
    expect(launchHints(['-y']).printsOnly).toBe(false);
  });
});
