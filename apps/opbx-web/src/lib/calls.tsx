import type { CallDirection, CallStatus } from '@opbx/client';

import { Badge } from '../ui/Card';
import { PhoneIncomingIcon, PhoneOutgoingIcon } from '../ui/icons';

export const CALL_STATUSES: ReadonlyArray<{ value: CallStatus; label: string }> = [
  { value: 'initiated', label: 'Initiated' },
  { value: 'ringing', label: 'Ringing' },
  { value: 'answered', label: 'In progress' },
  { value: 'completed', label: 'Completed' },
  { value: 'no_answer', label: 'No answer' },
  { value: 'busy', label: 'Busy' },
  { value: 'failed', label: 'Failed' },
];

const TONE: Record<CallStatus, Parameters<typeof Badge>[0]['tone']> = {
  initiated: 'gray',
  ringing: 'amber',
  answered: 'blue',
  completed: 'green',
  no_answer: 'violet',
  busy: 'cyan',
  failed: 'red',
};

export const callStatusLabel = (s: CallStatus) => CALL_STATUSES.find((x) => x.value === s)?.label ?? s;

export function CallStatusBadge({ status }: { status: CallStatus }) {
  return (
    <Badge tone={TONE[status] ?? 'gray'} dot>
      {callStatusLabel(status)}
    </Badge>
  );
}

export function DirectionLabel({ direction }: { direction: CallDirection }) {
  const Icon = direction === 'inbound' ? PhoneIncomingIcon : PhoneOutgoingIcon;
  return (
    <span className="inline-flex items-center gap-1.5 text-zinc-600">
      <Icon className="size-3.5 text-zinc-400" />
      {direction === 'inbound' ? 'Inbound' : 'Outbound'}
    </span>
  );
}
