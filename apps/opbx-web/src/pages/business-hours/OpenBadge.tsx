import { Badge } from '../../ui/Card';

/** Today's date in `timezone` as the holidays are written (YYYY-MM-DD). */
export function todayIn(timezone: string, now = new Date()): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone: timezone, dateStyle: 'short' }).format(now);
  } catch {
    return now.toISOString().slice(0, 10);
  }
}

/** "Open now", "Closed now", or why: "Closed — holiday: Christmas" on a holiday of the schedule's zone. */
export function OpenBadge({ open, holidays, timezone }: { open: boolean; holidays?: ReadonlyArray<{ date: string; name: string }>; timezone?: string }) {
  const holiday = !open && holidays && timezone ? holidays.find((h) => h.date === todayIn(timezone)) : undefined;
  return (
    <Badge tone={open ? 'green' : 'gray'} dot>
      <span data-testid="open-status">{open ? 'Open now' : holiday ? `Closed — holiday: ${holiday.name}` : 'Closed now'}</span>
    </Badge>
  );
}
