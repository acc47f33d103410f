import chalk from 'chalk';
import { Text } from 'ink';
import { cleanup, render } from 'ink-testing-library';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ColorProvider, colorAllowed, useTint } from './color.js';
import { TimeStep } from '../steps/TimeStep.js';
import { waitForFrame } from '../../../test/helpers/ui/frames.js';

const level = chalk.level;
beforeAll(() => {
  chalk.level = 1; // as on a colour terminal
});
afterAll(() => {
  chalk.level = level;
});
afterEach(cleanup);

function Red() {
  const tint = useTint();
  return <Text color={tint('red')}>alarm</Text>;
}
// eslint-disable-next-line no-control-regex -- matching the terminal colour escapes is the point
const COLOR = /\u001B\[(3[0-7]|9[0-7]|38;)/;

describe('NO_COLOR', () => {
  it('is honoured when set to anything non-empty', () => {
    expect(colorAllowed({})).toBe(true);
    expect(colorAllowed({ NO_COLOR: '' })).toBe(true);
    expect(colorAllowed({ NO_COLOR: '1' })).toBe(false);
  });

  it('removes colour from our text and from @inkjs/ui components, keeping the text', async () => {
    const coloured = render(
      <ColorProvider color={true}>
        <Red />
        <TimeStep onSubmit={() => {}} />
      </ColorProvider>,
    );
    expect(await waitForFrame(coloured.lastFrame, 'alarm')).toMatch(COLOR);
    const plain = render(
      <ColorProvider color={false}>
        <Red />
        <TimeStep onSubmit={() => {}} />
      </ColorProvider>,
    );
    const frame = await waitForFrame(plain.lastFrame, '3 of 3 selected');
    expect(frame).toContain('alarm');
    expect(frame).not.toMatch(COLOR);
  });
});
