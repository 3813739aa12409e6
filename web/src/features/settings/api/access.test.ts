import { describe, expect, it } from 'vitest';
import { canOpenSettings, settingsPagesFor } from './access';

describe('settings access', () => {
  it('offers Settings to an administrator of any part of the workspace', () => {
    expect(canOpenSettings({ 'settings.manage': 'all' })).toBe(true);
    expect(canOpenSettings({ 'billing.manage': 'all' })).toBe(true);
  });

  it('does not offer Settings to an agent, even one who assigns leads', () => {
    expect(canOpenSettings({ 'leads.read': 'own', 'leads.assign': 'own' })).toBe(false);
    expect(canOpenSettings(undefined)).toBe(false);
    expect(settingsPagesFor({ 'leads.assign': 'all' })).toEqual([]);
  });

  it('lists only the pages the grants open', () => {
    const pages = settingsPagesFor({ 'approvals.manage': 'all', 'leads.assign': 'all' }).map(
      (page) => page.path,
    );
    expect(pages).toEqual(['call-queues', 'approval-policies']);
  });
});
