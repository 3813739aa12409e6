import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api-client';
import type { components } from '@/types/api.gen';
import { ifMatch } from './access';

export type User = components['schemas']['UserView'];
export type CreateUser = components['schemas']['CreateUserRequest'];
export type UpdateUser = components['schemas']['UpdateUserRequest'];
export type Role = components['schemas']['RoleInfo'];
export type SaveRole = components['schemas']['SaveRoleRequest'];
export type Grant = components['schemas']['PermissionGrant'];
export type Group = components['schemas']['GroupInfo'];
export type SaveGroup = components['schemas']['SaveGroupRequest'];

/** Settings lists are short (a team's users, roles, groups): one page of 200 shows them all. */
const all = { limit: 200 } as const;

export const usersQuery = () =>
  queryOptions({
    queryKey: ['settings', 'users'],
    queryFn: async ({ signal }) =>
      (await unwrap(api.GET('/api/v1/users', { params: { query: { ...all, sort: 'name' } }, signal }))).items,
  });

export const rolesQuery = () =>
  queryOptions({
    queryKey: ['settings', 'roles'],
    queryFn: async ({ signal }) =>
      (await unwrap(api.GET('/api/v1/roles', { params: { query: all }, signal }))).items,
  });

export const groupsQuery = () =>
  queryOptions({
    queryKey: ['settings', 'groups'],
    queryFn: async ({ signal }) =>
      (await unwrap(api.GET('/api/v1/groups', { params: { query: all }, signal }))).items,
  });

export const permissionsQuery = () =>
  queryOptions({
    queryKey: ['settings', 'permissions'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/permissions', { signal })),
    staleTime: Infinity,
  });

export const useUsers = () => useQuery(usersQuery());
export const useRoles = () => useQuery(rolesQuery());
export const useGroups = () => useQuery(groupsQuery());
export const usePermissionCatalog = () => useQuery(permissionsQuery());

/** Refetches a settings list (and whatever else reads it, such as the users behind a group) after a change. */
function useRefresh(...lists: string[]) {
  const queryClient = useQueryClient();
  return () =>
    Promise.all(lists.map((list) => queryClient.invalidateQueries({ queryKey: ['settings', list] })));
}

export function useCreateUser() {
  const refresh = useRefresh('users', 'groups');
  return useMutation({
    mutationFn: (user: CreateUser) => unwrap(api.POST('/api/v1/users', { body: user })),
    onSuccess: refresh,
  });
}

export function useUpdateUser() {
  const refresh = useRefresh('users', 'groups');
  return useMutation({
    mutationFn: ({ user, changes }: { user: User; changes: UpdateUser }) =>
      unwrap(
        api.PATCH('/api/v1/users/{id}', {
          params: { path: { id: user.id }, header: ifMatch(user.version) },
          body: changes,
        }),
      ),
    onSuccess: refresh,
  });
}

export function useDisableUser() {
  const refresh = useRefresh('users');
  return useMutation({
    mutationFn: (user: User) =>
      unwrap(
        api.DELETE('/api/v1/users/{id}', {
          params: { path: { id: user.id }, header: ifMatch(user.version) },
        }),
      ),
    onSuccess: refresh,
  });
}

export function useSaveRole() {
  const refresh = useRefresh('roles');
  return useMutation({
    mutationFn: ({ role, changes }: { role: Role | undefined; changes: SaveRole }) =>
      role === undefined
        ? unwrap(api.POST('/api/v1/roles', { body: changes }))
        : unwrap(
            api.PATCH('/api/v1/roles/{id}', {
              params: { path: { id: role.id }, header: ifMatch(role.version) },
              body: changes,
            }),
          ),
    onSuccess: refresh,
  });
}

export function useDeleteRole() {
  const refresh = useRefresh('roles');
  return useMutation({
    mutationFn: (role: Role) =>
      unwrap(
        api.DELETE('/api/v1/roles/{id}', {
          params: { path: { id: role.id }, header: ifMatch(role.version) },
        }),
      ),
    onSuccess: refresh,
  });
}

export function useSaveGroup() {
  const refresh = useRefresh('groups', 'users');
  return useMutation({
    mutationFn: ({ group, changes }: { group: Group | undefined; changes: SaveGroup }) =>
      group === undefined
        ? unwrap(api.POST('/api/v1/groups', { body: changes }))
        : unwrap(
            api.PATCH('/api/v1/groups/{id}', {
              params: { path: { id: group.id }, header: ifMatch(group.version) },
              body: changes,
            }),
          ),
    onSuccess: refresh,
  });
}

export function useDeleteGroup() {
  const refresh = useRefresh('groups', 'users');
  return useMutation({
    mutationFn: (group: Group) =>
      unwrap(
        api.DELETE('/api/v1/groups/{id}', {
          params: { path: { id: group.id }, header: ifMatch(group.version) },
        }),
      ),
    onSuccess: refresh,
  });
}
