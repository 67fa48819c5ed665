import { businessHoursService, didsService, type Extension, extensionsService, ringGroupsService, type User,usersService } from '@opbx/client';
import { useQuery } from '@tanstack/react-query';
import { useCallback } from 'react';

import { usePermissions } from '../auth/permissions';
import { formatPhone } from '../lib/phone';
import { extraService, fetchAll } from './extra';
import { keys } from './keys';

/** Whole collections for pickers and for turning ids into names. */

export function useAllExtensions() {
  return useQuery({ queryKey: keys.extensions.all, queryFn: () => fetchAll((p) => extensionsService.getAll(p)), staleTime: 60_000 });
}

export function useAllRingGroups() {
  return useQuery({ queryKey: keys.ringGroups.all, queryFn: () => fetchAll((p) => ringGroupsService.getAll(p)), staleTime: 60_000 });
}

export function useAllDids() {
  return useQuery({ queryKey: keys.dids.all, queryFn: () => fetchAll((p) => didsService.getAll(p)), staleTime: 60_000 });
}

export function useAllBusinessHours() {
  return useQuery({ queryKey: keys.businessHours.list, queryFn: () => businessHoursService.getAll().then((r) => r.data), staleTime: 30_000 });
}

/** Users are readable by managers only; agents get an empty list instead of a 403. */
export function useAllUsers() {
  const { manage } = usePermissions();
  return useQuery({ queryKey: keys.users.all, queryFn: () => fetchAll((p) => usersService.getAll(p)), staleTime: 60_000, enabled: manage });
}

export function useOrganization() {
  return useQuery({ queryKey: keys.organization, queryFn: extraService.organization, staleTime: 5 * 60_000 });
}

/** The organization's time zone for displaying times (the browser's until it loads). */
export function useOrgTimezone(): string | undefined {
  return useOrganization().data?.timezone;
}

/**
 * Writes a phone number for this organization: its own country's numbers in national format,
 * others in international format (international for all until the organization has loaded).
 */
export function usePhoneFormatter(): (value: string | null | undefined) => string {
  const country = useOrganization().data?.country;
  return useCallback((value) => formatPhone(value, country), [country]);
}

/** "101 · Dana Demo" style labels; the user part only when the viewer may read users. */
export function extensionLabel(ext: Extension | undefined, users?: Map<string, User>): string {
  if (!ext) return 'Unknown extension';
  const owner = ext.user_id ? users?.get(ext.user_id) : undefined;
  if (owner) return `${ext.extension_number} · ${owner.name}`;
  return ext.type === 'user' ? ext.extension_number : `${ext.extension_number} · ${ext.type}`;
}

export function useExtensionNames() {
  const extensions = useAllExtensions();
  const users = useAllUsers();
  const usersById = new Map((users.data ?? []).map((u) => [u.id, u]));
  const byId = new Map((extensions.data ?? []).map((e) => [e.id, e]));
  return {
    extensions,
    byId,
    usersById,
    label: (id: string | null | undefined) => (id ? (byId.has(id) ? extensionLabel(byId.get(id), usersById) : extensions.isLoading ? '…' : 'Deleted extension') : '—'),
  };
}
