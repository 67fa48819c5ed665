import { Badge } from '../ui/Card';

/** How a call turned out (the server's `outcome`, beyond the spec's status); null while it rings. */
export type CallOutcome = 'answered' | 'voicemail' | 'missed' | 'busy' | 'failed' | 'abandoned';

export const CALL_OUTCOMES: ReadonlyArray<{ value: CallOutcome; label: string }> = [
  { value: 'answered', label: 'Answered' },
  { value: 'voicemail', label: 'Voicemail' },
  { value: 'missed', label: 'Missed' },
  { value: 'busy', label: 'Busy' },
  { value: 'failed', label: 'Failed' },
  { value: 'abandoned', label: 'Abandoned' },
];

const TONE: Record<CallOutcome, Parameters<typeof Badge>[0]['tone']> = {
  answered: 'green',
  voicemail: 'violet',
  missed: 'amber',
  busy: 'cyan',
  failed: 'red',
  abandoned: 'gray',
};

export const outcomeOf = (call: object): CallOutcome | null => (call as { outcome?: CallOutcome | null }).outcome ?? null;

export function OutcomeBadge({ outcome }: { outcome: CallOutcome | null }) {
  if (!outcome) return <span className="text-xs text-zinc-600">In progress</span>;
  return (
    <Badge tone={TONE[outcome] ?? 'gray'}>
      <span data-testid="outcome">{CALL_OUTCOMES.find((o) => o.value === outcome)?.label ?? outcome}</span>
    </Badge>
  );
}
