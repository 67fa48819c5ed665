import { businessHoursService, type CreateBusinessHoursRequest, type UpdateBusinessHoursRequest } from '@opbx/client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { useOnDeleted } from '../../data/forget-deleted';
import { keys } from '../../data/keys';
import type { BusinessHoursView } from './model';

export function useBusinessHoursList() {
  // Open/closed changes with the clock, so the list refreshes each minute while visible.
  return useQuery({
    queryKey: keys.businessHours.list,
    queryFn: () => businessHoursService.getAll().then((r) => r.data as BusinessHoursView[]),
    refetchInterval: 60_000,
  });
}

export function useBusinessHours(id: string | null) {
  return useQuery({
    queryKey: keys.businessHours.one(id ?? ''),
    queryFn: () => businessHoursService.getById(id!) as Promise<BusinessHoursView>,
    enabled: Boolean(id),
    refetchInterval: 60_000,
  });
}

function useInvalidate() {
  const qc = useQueryClient();
  return () => void qc.invalidateQueries({ queryKey: keys.businessHours.root });
}

export function useSaveBusinessHours() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, body }: { id?: string; body: CreateBusinessHoursRequest | UpdateBusinessHoursRequest }) =>
      (id ? businessHoursService.update(id, body) : businessHoursService.create(body as CreateBusinessHoursRequest)) as Promise<BusinessHoursView>,
    onSuccess: invalidate,
  });
}

export function useDeleteBusinessHours() {
  const invalidate = useInvalidate();
  const onDeleted = useOnDeleted(keys.businessHours.root, invalidate);
  return useMutation({ mutationFn: (id: string) => businessHoursService.delete(id), onSuccess: onDeleted });
}
