import { useState } from 'react';
import type { BackfillPlan, PlanProgress } from '../../engine/plan-backfill.js';
import type { Source } from '../../ports/source.js';
import { useAsync } from './use-async.js';
import type { WizardChoices, WizardDeps } from '../model/wizard-types.js';

/**
 * Plans while `active` (the preview and confirm steps), again whenever the choices change; leaving
 * aborts the listing. Listing progress is reported as it comes.
 */
export function usePlanning(
  plan: WizardDeps['plan'],
  source: Source | undefined,
  choices: WizardChoices | undefined,
  active: boolean,
  attempt = 0,
) {
  const [progress, setProgress] = useState<PlanProgress>();
  const key = active && source && choices ? `${JSON.stringify(choices)}#${attempt}` : '';
  const state = useAsync<BackfillPlan>(
    source && choices && key !== ''
      ? (signal) => {
          setProgress(undefined);
          return plan(choices, source, signal, (p) => {
            if (!signal.aborted) setProgress(p);
          });
        }
      : undefined,
    key,
  );
  return { state, progress };
}
