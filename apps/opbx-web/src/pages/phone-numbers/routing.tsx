import type { DIDNumber, RoutingType } from '@opbx/client';

import { useAllBusinessHours, useAllRingGroups, useExtensionNames } from '../../data/lookups';

export const ROUTING_TYPES: ReadonlyArray<{ value: RoutingType; label: string; description: string }> = [
  { value: 'extension', label: 'Extension', description: 'Ring one extension.' },
  { value: 'ring_group', label: 'Ring group', description: 'Ring a team of extensions.' },
  { value: 'business_hours', label: 'Business hours', description: 'Route by opening hours.' },
  { value: 'voicemail', label: 'Voicemail', description: 'Straight to a mailbox.' },
];

/** The routing_config key that holds each type's target. */
export const TARGET_KEY = {
  extension: 'extension_id',
  ring_group: 'ring_group_id',
  business_hours: 'business_hours_id',
  voicemail: 'extension_id',
} as const satisfies Record<RoutingType, string>;

/** "Ring group Sales", "Ext. 101 · Dana Demo", … for lists. */
export function useRoutingSummary() {
  const ext = useExtensionNames();
  const groups = useAllRingGroups();
  const hours = useAllBusinessHours();
  return (did: DIDNumber): string => {
    const c = did.routing_config;
    switch (did.routing_type) {
      case 'extension':
        return `Extension ${ext.label(c.extension_id)}`;
      case 'voicemail':
        return `Voicemail of ${ext.label(c.extension_id)}`;
      case 'ring_group':
        return `Ring group ${groups.data?.find((g) => g.id === c.ring_group_id)?.name ?? (groups.isLoading ? '…' : 'deleted')}`;
      case 'business_hours':
        return `Business hours ${hours.data?.find((h) => h.id === c.business_hours_id)?.name ?? (hours.isLoading ? '…' : 'deleted')}`;
    }
  };
}
