import type { RingGroupStrategy } from '@opbx/client';

export const STRATEGIES: ReadonlyArray<{ value: RingGroupStrategy; label: string; description: string }> = [
  { value: 'simultaneous', label: 'Ring all', description: 'Every member rings at once; the first to answer takes the call.' },
  { value: 'sequential', label: 'In order', description: 'Members ring one after another, top of the list first.' },
  { value: 'round_robin', label: 'Round robin', description: 'Calls rotate through the members to share the load.' },
];

export const strategyLabel = (s: RingGroupStrategy) => STRATEGIES.find((x) => x.value === s)?.label ?? s;
