import { type CreateDIDRequest, type DIDsFilterParams, didsService, type UpdateDIDRequest } from '@opbx/client';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { useOnDeleted } from '../../data/forget-deleted';
import { keys } from '../../data/keys';

export function useDids(params: DIDsFilterParams & { routing_type?: string }) {
  return useQuery({ queryKey: keys.dids.list(params), queryFn: () => didsService.getAll(params), placeholderData: keepPreviousData });
}

function useInvalidate() {
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: keys.dids.root });
    void qc.invalidateQueries({ queryKey: keys.dashboard.stats });
  };
}

export function useSaveDid() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, body }: { id?: string; body: CreateDIDRequest | UpdateDIDRequest }) =>
      id ? didsService.update(id, body as UpdateDIDRequest) : didsService.create(body as CreateDIDRequest),
    onSuccess: invalidate,
  });
}

export function useDeleteDid() {
  const invalidate = useInvalidate();
  const onDeleted = useOnDeleted(keys.dids.root, invalidate);
  return useMutation({ mutationFn: (id: string) => didsService.delete(id), onSuccess: onDeleted });
}
