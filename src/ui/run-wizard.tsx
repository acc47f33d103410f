import { render } from 'ink';
import { ColorProvider, colorAllowed } from './components/color.js';
import { Wizard } from './Wizard.js';
import type { WizardDeps, WizardInput, WizardResult } from './model/wizard-types.js';

export type { WizardChoices, WizardDeps, WizardInput, WizardResult } from './model/wizard-types.js';
export { exitCodeOf } from './model/wizard-types.js';

/** The terminal the wizard draws on. Both streams must be TTYs: the CLI decides that before calling. */
export interface WizardIo {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
  /** For NO_COLOR. */
  env: NodeJS.ProcessEnv;
  /** The process's interrupt signal (an outside SIGINT); handled like Ctrl-C. */
  interrupt?: AbortSignal;
}

/**
 * Runs the interactive wizard until it ends: resolves with how it ended (see `WizardResult`,
 * `exitCodeOf`), rejects when the run itself failed. The last frame (the summary) stays on the
 * terminal. Ink draws on `io`; nothing here touches `process`.
 */
export function runWizard(initial: WizardInput, deps: WizardDeps, io: WizardIo): Promise<WizardResult> {
  return new Promise<WizardResult>((resolve, reject) => {
    let settled = false;
    const finish = (settle: () => void) => {
      if (settled) return;
      settled = true;
      // Let the frame that led here reach the terminal, then let go of it.
      setImmediate(() => {
        instance.unmount();
        io.stdout.off('resize', onResize);
        settle();
      });
    };
    // A narrower terminal re-wraps what is on screen, so erasing the last frame line by line (as ink
    // does) leaves pieces of it behind: clear the screen first. Registered before ink's own listener.
    let width = io.stdout.columns;
    const onResize = () => {
      if (io.stdout.columns < width) io.stdout.write('\u001B[2J\u001B[3J\u001B[H');
      width = io.stdout.columns;
    };
    io.stdout.on('resize', onResize);
    const instance = render(
      <ColorProvider color={colorAllowed(io.env)}>
        <Wizard
          initial={initial}
          deps={deps}
          interrupt={io.interrupt}
          onExit={(result) => finish(() => resolve(result))}
          onFail={(error) => finish(() => reject(error))}
        />
      </ColorProvider>,
      {
        stdin: io.stdin,
        stdout: io.stdout,
        stderr: io.stderr,
        exitOnCtrlC: false,
        patchConsole: false,
      },
    );
  });
}
