import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api-client';
import type { components } from '@/types/api.gen';

export type Grants = components['schemas']['MeView']['permissions'];

/** A page of the settings section and the permission its API asks for (Grains.Abstractions/Identity/Permissions.cs). */
export interface SettingsPage {
  path: string;
  name: string;
  permission: string;
}

export const settingsPages: readonly SettingsPage[] = [
  { path: 'workspace', name: 'Workspace', permission: 'settings.manage' },
  { path: 'users', name: 'Users', permission: 'users.manage' },
  { path: 'roles', name: 'Roles', permission: 'roles.manage' },
  { path: 'groups', name: 'Groups', permission: 'users.manage' },
  { path: 'lead-statuses', name: 'Lead statuses and sources', permission: 'settings.manage' },
  { path: 'pipelines', name: 'Pipelines', permission: 'settings.manage' },
  { path: 'call-queues', name: 'Call queues', permission: 'leads.assign' },
  { path: 'approval-policies', name: 'Approval policies', permission: 'approvals.manage' },
  { path: 'notification-rules', name: 'Notification rules', permission: 'settings.manage' },
  { path: 'integrations/email', name: 'Integrations', permission: 'integrations.manage' },
  { path: 'billing', name: 'Billing', permission: 'billing.manage' },
];

/**
 * The permissions that make someone an administrator of some part of the workspace. Call queues alone (leads.assign)
 * do not: sales managers assign leads without administering the workspace.
 */
const administering = [
  'settings.manage',
  'users.manage',
  'roles.manage',
  'approvals.manage',
  'integrations.manage',
  'billing.manage',
];

/** Whether the sidebar offers Settings to someone with these grants. */
export function canOpenSettings(grants: Grants | undefined): boolean {
  return grants !== undefined && administering.some((permission) => permission in grants);
}

/** The settings pages these grants open; the side menu lists only these. */
export function settingsPagesFor(grants: Grants | undefined): SettingsPage[] {
  if (!canOpenSettings(grants)) return [];
  return settingsPages.filter((page) => grants !== undefined && page.permission in grants);
}

/** The caller's profile with the grants this request was authorised with (GET /me); shared with the profile page. */
export const meQuery = () =>
  queryOptions({ queryKey: ['me'], queryFn: () => unwrap(api.GET('/api/v1/me', {})), staleTime: 60_000 });

export const useMyGrants = () => {
  const me = useQuery(meQuery());
  return me.data?.permissions;
};

/** The If-Match header of a change to a record read at this version (412 version_mismatch if it changed since). */
export const ifMatch = (version: number | string) => ({ 'If-Match': `"${String(version)}"` });
