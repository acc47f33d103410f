import { TIME_BUCKETS, type TimeBucket } from '../../core/layout/partition-layout.js';
import { pass } from './EnvironmentStep.js';
import { MultiChoice } from '../components/MultiChoice.js';

const HOURS: Record<TimeBucket, string> = {
  '0-8': '00:00–08:00 UTC',
  '8-16': '08:00–16:00 UTC',
  '16-24': '16:00–24:00 UTC',
};

export interface TimeStepProps {
  defaultValue?: readonly TimeBucket[];
  position?: string;
  context?: string;
  onSubmit: (times: TimeBucket[]) => void;
  onBack?: () => void;
}

/** Time buckets of the day; all three are selected to begin with. */
export function TimeStep(props: TimeStepProps) {
  return (
    <MultiChoice
      title="Time buckets"
      prompt="Which times of day (event_time)?"
      options={TIME_BUCKETS.map((value) => ({ value, note: HOURS[value] }))}
      {...pass({
        ...props,
        defaultValue: props.defaultValue ?? TIME_BUCKETS,
        onSubmit: (v) => props.onSubmit(v as TimeBucket[]),
      })}
    />
  );
}
