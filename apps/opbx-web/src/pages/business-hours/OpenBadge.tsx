import { Badge } from '../../ui/Card';

export function OpenBadge({ open }: { open: boolean }) {
  return (
    <Badge tone={open ? 'green' : 'gray'} dot>
      <span data-testid="open-status">{open ? 'Open now' : 'Closed now'}</span>
    </Badge>
  );
}
