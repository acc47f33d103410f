import { pass } from './EnvironmentStep.js';
import { MultiChoice } from '../components/MultiChoice.js';

export interface CategoryStepProps {
  /** The event categories found under the chosen environments; undefined while looking. */
  present: readonly string[] | undefined;
  defaultValue?: readonly string[];
  error?: string;
  position?: string;
  context?: string;
  onSubmit: (categories: string[]) => void;
  onBack?: () => void;
  onRetry?: () => void;
}

/** Event categories, as discovered in the bucket under the chosen environments. */
export function CategoryStep(props: CategoryStepProps) {
  return (
    <MultiChoice
      title="Categories"
      prompt="Which event categories?"
      options={props.present?.map((value) => ({ value }))}
      emptyMessage="No event categories under the chosen environments: esc to choose others."
      {...pass(props)}
    />
  );
}
