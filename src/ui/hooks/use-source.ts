import { useEffect, useState } from 'react';
import type { Source } from '../../ports/source.js';
import { messageOf } from './use-async.js';
import { useLatest } from './use-latest.js';
import type { Flow } from './use-wizard-flow.js';

/** Opens the bucket the source step (or the flag) names, moving on when it opens. */
export function useSource(flow: Flow, openSource: (bucket: string) => Promise<Source>) {
  const [source, setSource] = useState<Source>();
  const [checking, setChecking] = useState(false);
  const [error, setError] = useState<{ bucket: string; message: string }>();

  const open = (bucket: string) => {
    setChecking(true);
    openSource(bucket).then(
      (opened) => {
        setSource(opened);
        setError(undefined);
        setChecking(false);
        flow.next('source', { bucket });
      },
      (e: unknown) => {
        setError({ bucket, message: messageOf(e) });
        setChecking(false);
        flow.reopen('source'); // a bucket from the flags that does not open: let the operator fix it
      },
    );
  };
  // Once, at the start: a bucket given by the flag is opened without asking.
  const start = useLatest(() => {
    if (flow.draft.bucket !== undefined && flow.step === 'source') open(flow.draft.bucket);
  });
  useEffect(() => start.current(), [start]);
  return { source, checking, error, open };
}
