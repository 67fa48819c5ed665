import { type CreateExtensionRequest, type ExtensionsFilterParams, extensionsService, type UpdateExtensionRequest } from '@opbx/client';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { extraService } from '../../data/extra';
import { useOnDeleted } from '../../data/forget-deleted';
import { keys } from '../../data/keys';

export function useExtensions(params: ExtensionsFilterParams) {
  return useQuery({ queryKey: keys.extensions.list(params), queryFn: () => extensionsService.getAll(params), placeholderData: keepPreviousData });
}

export function useExtension(id: string) {
  return useQuery({ queryKey: keys.extensions.one(id), queryFn: () => extensionsService.getById(id) });
}

export function useVoicemails(id: string, page: number, enabled: boolean) {
  return useQuery({
    queryKey: keys.extensions.voicemails(id, page),
    queryFn: () => extraService.voicemails(id, page),
    enabled,
    placeholderData: keepPreviousData,
  });
}

function useInvalidate() {
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: keys.extensions.root });
    // Users show their extension, and the dashboard counts them.
    void qc.invalidateQueries({ queryKey: keys.users.root });
    void qc.invalidateQueries({ queryKey: keys.dashboard.stats });
    void qc.invalidateQueries({ queryKey: keys.me });
  };
}

/** Creates the extension, then issues its SIP password so it can be shown this once. */
export function useCreateExtension() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: async (body: CreateExtensionRequest) => {
      const created = await extensionsService.create(body);
      return extraService.resetSipPassword(created.id);
    },
    onSuccess: invalidate,
  });
}

export function useUpdateExtension(id: string) {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: (body: UpdateExtensionRequest) => extensionsService.update(id, body), onSuccess: invalidate });
}

export function useDeleteExtension() {
  const invalidate = useInvalidate();
  const onDeleted = useOnDeleted(keys.extensions.root, invalidate);
  return useMutation({ mutationFn: (id: string) => extensionsService.delete(id), onSuccess: onDeleted });
}

export function useResetSipPassword() {
  return useMutation({ mutationFn: (id: string) => extraService.resetSipPassword(id) });
}
