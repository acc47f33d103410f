import { Text } from 'ink';
import Spinner from 'ink-spinner';
import { useState } from 'react';
import { useTint } from '../components/color.js';
import { QUIT } from '../components/KeyHelp.js';
import { LineInput } from '../components/LineInput.js';
import { StepFrame } from '../components/StepFrame.js';
import { useStepKeys } from '../hooks/use-step-keys.js';

export interface SourceStepProps {
  /** Prefill: the flag, ANALYTICS_BACKFILL_BUCKET, or the last run's bucket. */
  defaultValue: string;
  /** Where the prefill came from, shown under the input. */
  defaultFrom?: string;
  /** True while the bucket is being opened. */
  checking: boolean;
  /** Why a bucket could not be opened; shown while the input still says that bucket. */
  error?: { bucket: string; message: string };
  position?: string;
  onSubmit: (bucket: string) => void;
}

/** What is wrong with a bucket as typed, or undefined when it may be tried. */
export function bucketProblem(value: string): string | undefined {
  const v = value.trim();
  if (v === '') return 'Give gs://BUCKET or the path of a folder that mirrors one.';
  if (v.startsWith('gs://')) {
    const name = v.slice('gs://'.length).replace(/\/+$/, '');
    if (!/^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/.test(name))
      return `"${name}" is not a valid bucket name (lowercase letters, digits, - _ .).`;
  }
  return undefined;
}

/** The source bucket: a `gs://` bucket or a local folder, checked as you type and opened on Enter. */
export function SourceStep(props: SourceStepProps) {
  const tint = useTint();
  const [value, setValue] = useState(props.defaultValue);
  const [tried, setTried] = useState(false);
  useStepKeys({});
  const problem = bucketProblem(value);
  const submit = (v: string) => {
    setTried(true);
    if (bucketProblem(v) === undefined && !props.checking) props.onSubmit(v.trim());
  };
  return (
    <StepFrame title="Source" position={props.position} hints={[{ key: 'enter', does: 'open' }, QUIT]}>
      <Text>Where are the event files? A gs:// bucket, or a folder that mirrors one.</Text>
      <Text dimColor>ctrl-a/e start/end · ctrl-u/k delete before/after · ctrl-w a word</Text>
      <Text>
        <Text bold>Bucket › </Text>
        <LineInput
          defaultValue={props.defaultValue}
          placeholder="gs://my-analytics-bucket"
          isDisabled={props.checking}
          onChange={setValue}
          onSubmit={submit}
        />
      </Text>
      {props.checking ? (
        <Text>
          <Spinner /> Opening {value.trim()}…
        </Text>
      ) : problem !== undefined && (tried || value !== '') ? (
        <Text color={tint('yellow')}>{problem}</Text>
      ) : props.error !== undefined && value.trim() === props.error.bucket ? (
        <Text color={tint('red')}>{props.error.message}</Text>
      ) : props.defaultFrom !== undefined && value === props.defaultValue ? (
        <Text dimColor>Prefilled from {props.defaultFrom}.</Text>
      ) : (
        <Text> </Text>
      )}
    </StepFrame>
  );
}
