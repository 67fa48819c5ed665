import type { PresenceState } from '../data/team';
import { Badge } from './Card';

const PRESENCE: Record<PresenceState, { label: string; tone: 'amber' | 'blue' | 'gray' }> = {
  idle: { label: 'Available', tone: 'gray' },
  ringing: { label: 'Ringing', tone: 'amber' },
  on_call: { label: 'On a call', tone: 'blue' },
  offline: { label: 'Offline', tone: 'gray' },
};

/** An extension's live state, the same words on every page; "—" until one is known. */
export function PresenceBadge({ state }: { state: PresenceState | null | undefined }) {
  return state ? <Badge tone={PRESENCE[state].tone}>{PRESENCE[state].label}</Badge> : <span className="text-zinc-600">—</span>;
}
