import { Text } from 'ink';
import { useRef, useState } from 'react';
import { useTint } from './color.js';
import { BACK, QUIT, type KeyHint } from './KeyHelp.js';
import { StepFrame } from './StepFrame.js';
import { useStepKeys } from './use-step-keys.js';

export interface DestinationOption {
  /** `duckdb:/abs/file.duckdb`, `bigquery` or `bigquery:PROJECT`. */
  value: string;
  /** What the operator reads: `DuckDB file /abs/file.duckdb`, `BigQuery, project my-project`. */
  label: string;
}

export interface DestinationStepProps {
  options: readonly DestinationOption[];
  defaultValue?: string;
  position?: string;
  context?: string;
  onSubmit: (destination: string) => void;
  onBack?: () => void;
}

/**
 * Where rows land, asked instead of assumed: a DuckDB file (its absolute path) or a BigQuery
 * project. Publishing to a topic is chosen with --topic, which skips this step.
 */
export function DestinationStep(props: DestinationStepProps) {
  const tint = useTint();
  const start = Math.max(
    0,
    props.options.findIndex((o) => o.value === props.defaultValue),
  );
  const focus = useRef(start);
  const [, redraw] = useState(0);
  useStepKeys({
    onBack: props.onBack,
    extra: (input, key) => {
      const last = props.options.length - 1;
      if (key.upArrow) focus.current = Math.max(0, focus.current - 1);
      else if (key.downArrow) focus.current = Math.min(last, focus.current + 1);
      else if (key.return || input.includes('\r')) {
        const chosen = props.options[focus.current];
        if (chosen) props.onSubmit(chosen.value);
        return;
      }
      redraw((n) => n + 1);
    },
  });
  const hints: KeyHint[] = [
    { key: '↑↓', does: 'move' },
    { key: 'enter', does: 'choose' },
    ...(props.onBack ? [BACK] : []),
    QUIT,
  ];
  return (
    <StepFrame title="Destination" position={props.position} context={props.context} hints={hints}>
      <Text>Where should the rows land?</Text>
      {props.options.map((o, i) => (
        <Text key={o.value} {...(i === focus.current ? { color: tint('cyan') } : {})}>
          {i === focus.current ? '❯ ' : '  '}
          {o.label}
        </Text>
      ))}
      <Text dimColor>To publish to a Pub/Sub topic instead, start again with --topic TOPIC.</Text>
    </StepFrame>
  );
}
