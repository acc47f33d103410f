import { KNOWN_ENVIRONMENTS } from '../core/partition-layout.js';
import { MultiChoice } from './MultiChoice.js';

export interface EnvironmentStepProps {
  /** The environments found in the bucket; undefined while looking. */
  present: readonly string[] | undefined;
  defaultValue?: readonly string[];
  error?: string;
  position?: string;
  context?: string;
  onSubmit: (environments: string[]) => void;
  onBack?: () => void;
}

/** Environments: the known ones, those present in the bucket first and marked. */
export function EnvironmentStep(props: EnvironmentStepProps) {
  const present = props.present;
  const known: readonly string[] = KNOWN_ENVIRONMENTS;
  const options = present
    ? [...known.filter((e) => present.includes(e)), ...known.filter((e) => !present.includes(e))].map((value) => ({
        value,
        note: present.includes(value) ? 'in bucket' : 'not in bucket',
      }))
    : undefined;
  return (
    <MultiChoice
      title="Environments"
      prompt="Which analytics environments?"
      options={options}
      selectAll={present?.filter((e) => known.includes(e)) ?? []}
      {...pass(props)}
    />
  );
}

/** The props every choosing step hands on to `MultiChoice` unchanged. */
export function pass(p: { defaultValue?: readonly string[]; error?: string; position?: string; context?: string; onSubmit: (v: string[]) => void; onBack?: () => void }) {
  return {
    onSubmit: p.onSubmit,
    ...(p.defaultValue ? { defaultValue: p.defaultValue } : {}),
    ...(p.error !== undefined ? { error: p.error } : {}),
    ...(p.position !== undefined ? { position: p.position } : {}),
    ...(p.context !== undefined ? { context: p.context } : {}),
    ...(p.onBack ? { onBack: p.onBack } : {}),
  };
}
