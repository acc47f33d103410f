import { Box, Text } from 'ink';
import Spinner from 'ink-spinner';
import { countOf, formatBytes, formatCount } from '../../core/present/format.js';
import { partitionTable } from '../../engine/partition-table.js';
import type { BackfillPlan, PlanProgress } from '../../engine/plan-backfill.js';
import { useTint } from '../components/color.js';
import { BACK, QUIT, type KeyHint } from '../components/KeyHelp.js';
import { previewWarnings } from '../../engine/preview-warnings.js';
import { ScrollList } from '../components/ScrollList.js';
import { StepFrame } from '../components/StepFrame.js';
import { useScroll } from '../hooks/use-scroll.js';
import { useStepKeys } from '../hooks/use-step-keys.js';
import { useTerminalSize } from '../hooks/use-terminal-size.js';

export interface PreviewStepProps {
  /** Undefined while listing. */
  plan: BackfillPlan | undefined;
  progress?: PlanProgress | undefined;
  error?: string | undefined;
  /** The cost and time lines (as the `--yes` preview prints them), once known. */
  forecast?: string | undefined;
  largeSelection: number;
  /** A dry run: Enter ends the wizard here instead of going on to send. */
  dryRun?: boolean;
  context?: string;
  onSubmit: () => void;
  /** With nothing to send: ends the wizard (exit 0). */
  onFinish?: () => void;
  /** After a failed plan: plans again. */
  onRetry?: () => void;
  onBack?: (() => void) | undefined;
}

/** The preview: per partition and in total, files, bytes, already ingested and to send; then warnings. */
export function PreviewStep(props: PreviewStepProps) {
  const tint = useTint();
  const { rows, columns } = useTerminalSize();
  const plan = props.plan;
  const warnings = plan
    ? previewWarnings(plan, { largeSelection: props.largeSelection, changeHint: 'esc to change it' })
    : [];
  const forecast = (props.forecast ?? '').split('\n').filter((l) => l.trim() !== '');
  const height = Math.max(3, rows - 13 - warnings.length - forecast.length);
  const scroll = useScroll(plan?.partitions.length ?? 0, height);
  const canSend = plan !== undefined && (plan.totals.toSend > 0 || props.dryRun === true);
  const nothingToSend = plan !== undefined && !canSend;

  useStepKeys({
    onBack: props.onBack,
    extra: (input, key) => {
      if (props.error !== undefined && input === 'r') return props.onRetry?.();
      if (!plan || scroll.onKey(input, key)) return;
      if (key.return && canSend) props.onSubmit();
      else if (input === 'q' && nothingToSend) props.onFinish?.();
    },
  });

  const { header, row, total } = partitionTable(columns);

  const hints: KeyHint[] = [
    ...(canSend ? [{ key: 'enter', does: props.dryRun ? 'finish (dry run: nothing is sent)' : 'continue' }] : []),
    ...(nothingToSend && props.onFinish ? [{ key: 'q', does: 'finish (nothing to send)' }] : []),
    ...(props.error !== undefined && props.onRetry ? [{ key: 'r', does: 'retry' }] : []),
    ...(plan && plan.partitions.length > height ? [{ key: '↑↓ pgup/pgdn', does: 'scroll' }] : []),
    ...(props.onBack ? [BACK] : []),
    QUIT,
  ];

  return (
    <StepFrame title="Preview" context={props.context} hints={hints}>
      {props.error !== undefined ? (
        <Text color={tint('red')}>Could not plan the backfill: {props.error}</Text>
      ) : !plan ? (
        <Text>
          <Spinner /> Listing files…
          {props.progress
            ? ` ${formatCount(props.progress.listedPartitions)}/${formatCount(props.progress.totalPartitions)} partitions, ${formatCount(props.progress.matched)} files so far`
            : ''}
        </Text>
      ) : (
        <Box flexDirection="column">
          <Text bold wrap="truncate-end">
            {header}
          </Text>
          <ScrollList
            items={plan.partitions}
            offset={scroll.offset}
            height={height}
            render={(p, i) => (
              <Text key={i} wrap="truncate-end">
                {row(p)}
              </Text>
            )}
          />
          <Text bold wrap="truncate-end">
            {total(plan.totals)}
          </Text>
          <Text>
            To send: {countOf(plan.totals.toSend, 'file')}, {formatBytes(plan.totals.bytesToSend)}
          </Text>
          {forecast.map((line, i) => (
            <Text key={`forecast-${i}`} wrap="truncate-end">
              {line}
            </Text>
          ))}
          {warnings.map((w) => (
            <Text key={w.text} color={tint(w.level === 'warning' ? 'yellow' : 'cyan')}>
              {w.level === 'warning' ? 'Warning: ' : 'Note: '}
              {w.text}
            </Text>
          ))}
        </Box>
      )}
    </StepFrame>
  );
}
