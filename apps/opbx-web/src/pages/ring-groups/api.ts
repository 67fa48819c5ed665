import { type CreateRingGroupRequest, type RingGroupsFilterParams, ringGroupsService, type UpdateRingGroupRequest } from '@opbx/client';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { useOnDeleted } from '../../data/forget-deleted';
import { keys } from '../../data/keys';

export function useRingGroups(params: RingGroupsFilterParams & { strategy?: string; status?: string }) {
  return useQuery({ queryKey: keys.ringGroups.list(params), queryFn: () => ringGroupsService.getAll(params), placeholderData: keepPreviousData });
}

export function useRingGroup(id: string | null) {
  return useQuery({ queryKey: keys.ringGroups.one(id ?? ''), queryFn: () => ringGroupsService.getById(id!), enabled: Boolean(id) });
}

function useInvalidate() {
  const qc = useQueryClient();
  return () => void qc.invalidateQueries({ queryKey: keys.ringGroups.root });
}

export function useSaveRingGroup() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, body }: { id?: string; body: CreateRingGroupRequest | UpdateRingGroupRequest }) =>
      id ? ringGroupsService.update(id, body) : ringGroupsService.create(body as CreateRingGroupRequest),
    onSuccess: invalidate,
  });
}

export function useDeleteRingGroup() {
  const invalidate = useInvalidate();
  const onDeleted = useOnDeleted(keys.ringGroups.root, invalidate);
  return useMutation({ mutationFn: (id: string) => ringGroupsService.delete(id), onSuccess: onDeleted });
}
