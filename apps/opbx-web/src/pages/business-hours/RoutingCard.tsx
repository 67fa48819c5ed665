import { Card, CardHeader } from '../../ui/Card';
import { RadioCards } from '../../ui/Field';
import { ExtensionSelect, RingGroupSelect } from '../phone-numbers/TargetSelects';

export type OpenType = 'extension' | 'ring_group';
export type ClosedType = 'voicemail' | 'extension' | 'ring_group' | 'hangup';

export interface RoutingState<T extends string> {
  type: T;
  extension_id: string;
  ring_group_id: string;
}

const OPEN_TYPES = [
  { value: 'ring_group', label: 'Ring group', description: 'Ring a team.' },
  { value: 'extension', label: 'Extension', description: 'Ring one extension.' },
] as const;

const CLOSED_TYPES = [
  { value: 'voicemail', label: 'Voicemail', description: 'Take a message.' },
  { value: 'extension', label: 'Extension', description: 'Ring one extension.' },
  { value: 'ring_group', label: 'Ring group', description: 'Ring a team.' },
  { value: 'hangup', label: 'Hang up', description: 'Play nothing, end.' },
] as const;

function Target<T extends string>({
  prefix,
  state,
  onChange,
  errors,
}: {
  prefix: string;
  state: RoutingState<T>;
  onChange: (s: RoutingState<T>) => void;
  errors: Record<string, string>;
}) {
  if (state.type === 'ring_group') {
    return (
      <RingGroupSelect
        label="Ring group"
        name={`${prefix}_ring_group`}
        value={state.ring_group_id}
        onChange={(id) => onChange({ ...state, ring_group_id: id })}
        error={errors[`${prefix}.ring_group_id`]}
      />
    );
  }
  if (state.type === 'extension' || state.type === 'voicemail') {
    return (
      <ExtensionSelect
        label={state.type === 'voicemail' ? 'Mailbox' : 'Extension'}
        name={`${prefix}_extension`}
        value={state.extension_id}
        onChange={(id) => onChange({ ...state, extension_id: id })}
        error={errors[`${prefix}.extension_id`]}
        activeOnly={state.type !== 'voicemail'}
      />
    );
  }
  return null;
}

export function RoutingCard({
  open,
  closed,
  onOpen,
  onClosed,
  errors,
  disabled,
}: {
  open: RoutingState<OpenType>;
  closed: RoutingState<ClosedType>;
  onOpen: (s: RoutingState<OpenType>) => void;
  onClosed: (s: RoutingState<ClosedType>) => void;
  errors: Record<string, string>;
  disabled?: boolean;
}) {
  return (
    <Card aria-labelledby="bh-routing">
      <CardHeader id="bh-routing" title="Where calls go" />
      <div className="grid gap-6 p-4 md:grid-cols-2">
        <div className="space-y-3">
          <RadioCards
            legend="While open"
            name="open_type"
            value={open.type}
            onChange={(type) => onOpen({ ...open, type })}
            options={OPEN_TYPES}
            error={errors['open_hours_routing.type']}
            disabled={disabled}
          />
          <Target prefix="open_hours_routing" state={open} onChange={onOpen} errors={errors} />
        </div>
        <div className="space-y-3">
          <RadioCards
            legend="While closed"
            name="closed_type"
            value={closed.type}
            onChange={(type) => onClosed({ ...closed, type })}
            options={CLOSED_TYPES}
            error={errors['closed_hours_routing.type']}
            disabled={disabled}
          />
          <Target prefix="closed_hours_routing" state={closed} onChange={onClosed} errors={errors} />
        </div>
      </div>
    </Card>
  );
}

/** Sends only the id the type uses; the server ignores the others but clean bodies are easier to read. */
export function routingBody<T extends string>(s: RoutingState<T>) {
  if (s.type === 'ring_group') return { type: s.type, ...(s.ring_group_id ? { ring_group_id: s.ring_group_id } : {}) };
  if (s.type === 'extension' || s.type === 'voicemail') return { type: s.type, ...(s.extension_id ? { extension_id: s.extension_id } : {}) };
  return { type: s.type };
}
