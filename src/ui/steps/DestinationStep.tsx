import { Text } from 'ink';
import { useRef, useState } from 'react';
import { useTint } from '../components/color.js';
import { LineInput } from '../components/LineInput.js';
import { BACK, QUIT, type KeyHint } from '../components/KeyHelp.js';
import { StepFrame } from '../components/StepFrame.js';
import { useStepKeys } from '../hooks/use-step-keys.js';

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
  /** The destination of a typed DuckDB file path; without it the path is taken as typed. */
  typed?: (path: string) => string;
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
  /** Typing another DuckDB file's path (the last option). */
  const [typing, setTyping] = useState(false);
  const [typed, setTyped] = useState('');
  const other = props.options.length;
  useStepKeys(
    {
      onBack: props.onBack,
      extra: (input, key) => {
        if (key.upArrow) focus.current = Math.max(0, focus.current - 1);
        else if (key.downArrow) focus.current = Math.min(other, focus.current + 1);
        else if (key.return || input.includes('\r')) {
          if (focus.current === other) return setTyping(true);
          const chosen = props.options[focus.current];
          if (chosen) props.onSubmit(chosen.value);
          return;
        }
        redraw((n) => n + 1);
      },
    },
    !typing,
  );
  useStepKeys({ onBack: () => setTyping(false) }, typing);
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
      <Text {...(focus.current === other ? { color: tint('cyan') } : {})}>
        {focus.current === other ? '❯ ' : '  '}Another DuckDB file: type its path
      </Text>
      {typing && (
        <LineInput
          defaultValue=""
          placeholder="path/to/events.duckdb"
          onChange={setTyped}
          onSubmit={(path) => {
            const p = path.trim();
            if (p !== '') props.onSubmit(props.typed ? props.typed(p) : `duckdb:${p}`);
          }}
        />
      )}
      {typing && typed.trim() === '' && <Text dimColor>A path, then enter (a new file is created there).</Text>}
      <Text dimColor>To publish to a Pub/Sub topic instead, start again with --topic TOPIC.</Text>
    </StepFrame>
  );
}
