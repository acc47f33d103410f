import type { BackfillPlan } from '../../src/engine/plan-backfill.js';
import type { SourceObject } from '../../src/ports/source.js';

/** Every file a plan would send, read back from its journal (tests only: real runs stream them). */
export async function planFiles(plan: BackfillPlan): Promise<SourceObject[]> {
  if (!plan.files) throw new Error('the plan has no journal: pass journalDir');
  const out: SourceObject[] = [];
  for await (const o of plan.files()) out.push(o);
  return out;
}
