import type { Readable, Writable } from 'node:stream';
import type { CloudFactories } from '../ports/cloud.js';

/** The wizard's module: `bin/` loads the bundle (dist/ui/wizard-bundle.js); without it, the modules themselves. */
export type WizardModule = typeof import('../ui/run-wizard.js');

/** The process around the CLI: streams, environment, and the Ctrl-C signal. `bin/` builds it. */
export interface CliIo {
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  /** Aborts on the first Ctrl-C. */
  interrupt: AbortSignal;
  /**
   * Registers what to print if a second Ctrl-C ends the process at once (the run and its resume
   * command): `say` is called then, synchronously; what it returns goes to stderr.
   */
  lastWords?: (say: () => string | undefined) => void;
  cloud?: CloudFactories;
  /** Loads the wizard (Ink and React) when it is about to open. */
  loadWizard?: () => Promise<WizardModule>;
}
