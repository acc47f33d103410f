import module from 'node:module';

/**
 * Loads the wizard module with the process set up for a quick first screen. Call this (not a
 * static import of run-wizard) from the CLI: it must run before React and Ink are loaded.
 *
 * - CI and CONTINUOUS_INTEGRATION hidden from Ink, which would otherwise not draw until exit.
 * - React's production builds (NODE_ENV=production unless set): a fraction of the development
 *   builds' size to parse, and no development-only checks.
 * - Node's on-disk compile cache, so the next start skips compiling the same JavaScript.
 * - Ink imports one function (`throttle`) from `es-toolkit/compat`, whose index loads the whole
 *   lodash-compatible library (~150 ms); a resolve hook points that one import at the file
 *   defining `throttle` (the same code, the same export name).
 */
export async function loadWizard(): Promise<typeof import('./run-wizard.js')> {
  process.env.NODE_ENV ??= 'production';
  // Ink draws only the final frame when CI is set. The wizard opens only on a terminal, where a
  // person is watching, so Ink must not take it for a CI log.
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
  module.enableCompileCache?.();
  slimInkImports();
  return import('./run-wizard.js');
}

let hooked = false;

function slimInkImports(): void {
  if (hooked || typeof module.registerHooks !== 'function') return;
  hooked = true;
  module.registerHooks({
    resolve(specifier, context, nextResolve) {
      if (specifier === 'es-toolkit/compat' && context.parentURL?.includes('/node_modules/ink/')) {
        // `es-toolkit/compat/throttle` is in the package's exports; the named export lives beside it.
        const entry = nextResolve('es-toolkit/compat/throttle', context).url;
        return { url: new URL('../dist/compat/function/throttle.mjs', entry).href, shortCircuit: true };
      }
      return nextResolve(specifier, context);
    },
  });
}
