import { type CreateUserRequest, type UpdateUserRequest, type UsersFilterParams, usersService } from '@opbx/client';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { useOnDeleted } from '../../data/forget-deleted';
import { keys } from '../../data/keys';

export function useUsers(params: UsersFilterParams) {
  return useQuery({ queryKey: keys.users.list(params), queryFn: () => usersService.getAll(params), placeholderData: keepPreviousData });
}

function useInvalidate() {
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: keys.users.root });
    // A user's extension appears on the extension pages too.
    void qc.invalidateQueries({ queryKey: keys.extensions.root });
    void qc.invalidateQueries({ queryKey: keys.me });
  };
}

export function useSaveUser() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, body }: { id?: string; body: CreateUserRequest | UpdateUserRequest }) =>
      id ? usersService.update(id, body as UpdateUserRequest) : usersService.create(body as CreateUserRequest),
    onSuccess: invalidate,
  });
}

export function useDeleteUser() {
  const invalidate = useInvalidate();
  const onDeleted = useOnDeleted(keys.users.root, invalidate);
  return useMutation({ mutationFn: (id: string) => usersService.delete(id), onSuccess: onDeleted });
}
