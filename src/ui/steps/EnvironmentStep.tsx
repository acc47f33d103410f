import { KNOWN_ENVIRONMENTS } from '../../core/layout/partition-layout.js';
import { MultiChoice } from '../components/MultiChoice.js';

export interface EnvironmentStepProps {
  /** The environments found in the bucket; undefined while looking. */
  present: readonly string[] | undefined;
  defaultValue?: readonly string[];
  error?: string;
  position?: string;
  context?: string;
  onSubmit: (environments: string[]) => void;
  onBack?: () => void;
  onRetry?: () => void;
}

/**
 * Environments: the folders present in the bucket, every one of them (a folder such as `qa` too:
 * the same rule as `-e all` and `-e qa` on the command line), the usual ones first.
 */
export function EnvironmentStep(props: EnvironmentStepProps) {
  const present = props.present;
  const known: readonly string[] = KNOWN_ENVIRONMENTS;
  const options = present
    ? [...known.filter((e) => present.includes(e)), ...present.filter((e) => !known.includes(e))].map((value) => ({
        value,
      }))
    : undefined;
  return (
    <MultiChoice
      title="Environments"
      prompt="Which analytics environments?"
      options={options}
      emptyMessage="No analytics_environment= folders in this bucket: esc to choose another."
      {...pass(props)}
    />
  );
}

/** The props every choosing step hands on to `MultiChoice` unchanged. */
export function pass(p: {
  defaultValue?: readonly string[];
  error?: string;
  position?: string;
  context?: string;
  onSubmit: (v: string[]) => void;
  onBack?: () => void;
  onRetry?: () => void;
}) {
  return {
    onSubmit: p.onSubmit,
    onRetry: p.onRetry,
    defaultValue: p.defaultValue,
    error: p.error,
    position: p.position,
    context: p.context,
    onBack: p.onBack,
  };
}
