import { defaultTheme, ThemeProvider, type ComponentStyles, type Theme } from '@inkjs/ui';
import { createContext, useContext, type ReactNode } from 'react';

/** Whether colour is allowed (NO_COLOR unset). Components ask `useTint()` for a colour or nothing. */
const ColorContext = createContext(true);

/** `NO_COLOR` (any non-empty value) turns colour off; https://no-color.org. */
export function colorAllowed(env: NodeJS.ProcessEnv): boolean {
  return env.NO_COLOR === undefined || env.NO_COLOR === '';
}

/** Whether colour is allowed here: for text coloured by its own escapes (the coverage map). */
export function useColorAllowed(): boolean {
  return useContext(ColorContext);
}

/** Returns a function mapping a colour name to itself, or to undefined when colour is off. */
export function useTint(): (color: string) => string | undefined {
  const allowed = useContext(ColorContext);
  return (color) => (allowed ? color : undefined);
}

const stripColor = (styles: ComponentStyles): ComponentStyles => {
  const { color: _color, backgroundColor: _bg, ...rest } = styles as Record<string, unknown>;
  return rest;
};

/** @inkjs/ui's theme with every colour removed (bold, dim and inverse stay). */
function monochrome(theme: Theme): Theme {
  const components: Theme['components'] = {};
  for (const [name, component] of Object.entries(theme.components)) {
    const styles: Record<string, (props?: unknown) => ComponentStyles> = {};
    for (const [key, fn] of Object.entries(component.styles ?? {})) styles[key] = (props) => stripColor(fn(props));
    components[name] = { ...component, styles };
  }
  return { components };
}

const MONOCHROME = monochrome(defaultTheme);

export function ColorProvider({ color, children }: { color: boolean; children: ReactNode }) {
  return (
    <ColorContext.Provider value={color}>
      {color ? children : <ThemeProvider theme={MONOCHROME}>{children}</ThemeProvider>}
    </ColorContext.Provider>
  );
}
