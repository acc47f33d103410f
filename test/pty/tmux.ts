import { execFileSync } from 'node:child_process';

/** Whether tmux can be run here; the pseudo-terminal tests skip without it. */
export function hasTmux(): boolean {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * One command in a detached tmux session on its own server: a real pseudo-terminal of a given
 * size, driven with send-keys and read with capture-pane, as an operator's terminal would be.
 */
export class TmuxSession {
  private readonly socket = `ab-pty-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

  private constructor() {}

  /** Starts `argv` in `cwd` with `env` added; when it exits the pane shows `EXIT=<code>` and stays. */
  static start(
    argv: readonly string[],
    opts: { cwd: string; env?: Record<string, string>; columns?: number; rows?: number },
  ): TmuxSession {
    const session = new TmuxSession();
    const env = Object.entries(opts.env ?? {}).map(([k, v]) => `${k}=${shellQuote(v)}`);
    const command = `cd ${shellQuote(opts.cwd)} && env ${env.join(' ')} ${argv.map(shellQuote).join(' ')}; echo EXIT=$?; sleep 3600`;
    session.tmux(
      'new-session',
      '-d',
      '-s',
      'main',
      '-x',
      String(opts.columns ?? 80),
      '-y',
      String(opts.rows ?? 24),
      command,
    );
    return session;
  }

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  }

  /**
   * The visible screen as text (`escapes` keeps the colour codes; `joined` joins lines the terminal
   * wrapped softly, as a copy from the terminal would, while real newlines stay).
   */
  screen(escapes = false, joined = false): string {
    return this.tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), ...(joined ? ['-J'] : []), '-t', 'main');
  }

  /** Everything the pane printed, its scrollback included. */
  history(): string {
    return this.tmux('capture-pane', '-p', '-J', '-S', '-', '-t', 'main');
  }

  /** Named keys (`Enter`, `Escape`, `Space`, `Up`, `C-c`, …), one send-keys each. */
  keys(...keys: string[]): void {
    for (const k of keys) this.tmux('send-keys', '-t', 'main', k);
  }

  /** Keys in one send-keys: tmux writes them to the terminal together, as a fast typist or a paste would. */
  burst(...keys: string[]): void {
    this.tmux('send-keys', '-t', 'main', ...keys);
  }

  /** Text typed as is. */
  type(text: string): void {
    this.tmux('send-keys', '-t', 'main', '-l', text);
  }

  resize(columns: number, rows: number): void {
    this.tmux('resize-window', '-t', 'main', '-x', String(columns), '-y', String(rows));
  }

  /** Polls the screen until it matches; fails with the screen after `timeoutMs`. */
  async waitFor(match: string | RegExp | ((screen: string) => boolean), timeoutMs = 15_000): Promise<string> {
    const test = (s: string) =>
      typeof match === 'string' ? s.includes(match) : match instanceof RegExp ? match.test(s) : match(s);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = this.screen();
      if (test(s)) return s;
      if (Date.now() > deadline) throw new Error(`screen never matched ${String(match)}; it shows:\n${s}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  kill(): void {
    try {
      this.tmux('kill-server');
    } catch {
      // already gone
    }
  }
}
