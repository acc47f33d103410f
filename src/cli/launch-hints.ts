import { parseArgs } from 'node:util';
import { FLAGS } from './parse-args.js';

/** What the launcher (bin/) wants to know before the CLI starts, read from the one flag table. */
export interface LaunchHints {
  /** The command line may open the wizard: worth loading Ink while the CLI starts. */
  mayOpenWizard: boolean;
  /** A dry run: writes nothing, not even Node's compile cache. */
  dryRun: boolean;
  /** Only prints (help, version): nothing worth tuning the heap for. */
  printsOnly: boolean;
}

/** Reads the hints leniently: a command line the CLI will refuse gives hints that load nothing. */
export function launchHints(argv: readonly string[]): LaunchHints {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ args: [...argv], options: FLAGS, strict: false, allowPositionals: true }));
  } catch {
    return { mayOpenWizard: false, dryRun: false, printsOnly: false };
  }
  const printsOnly = values.help === true || values.version === true;
  const asksNothing = values.yes === true || values.json === true || values.resume !== undefined;
  return { mayOpenWizard: !printsOnly && !asksNothing, dryRun: values['dry-run'] === true, printsOnly };
}
