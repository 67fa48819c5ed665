import { dateKeyIn } from '../../lib/datetime';
import { Badge } from '../../ui/Card';

/** "Open now", "Closed now", or why: "Closed — holiday: Christmas" on a holiday of the schedule's zone. */
export function OpenBadge({ open, holidays, timezone }: { open: boolean; holidays?: ReadonlyArray<{ date: string; name: string }>; timezone?: string }) {
  const holiday = !open && holidays && timezone ? holidays.find((h) => h.date === dateKeyIn(timezone)) : undefined;
  return (
    <Badge tone={open ? 'green' : 'gray'} dot>
      <span data-testid="open-status">{open ? 'Open now' : holiday ? `Closed — holiday: ${holiday.name}` : 'Closed now'}</span>
    </Badge>
  );
}
