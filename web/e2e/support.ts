import { expect, type Page } from '@playwright/test';

const artifacts = process.env.M3_ARTIFACTS ?? 'test-results';

/** Keeps a full-page screenshot of what the page shows now, as a test artifact under screenshots/. */
export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: `${artifacts}/screenshots/${name}.png`, fullPage: true });
}

export interface Owner {
  workspace: string;
  name: string;
  email: string;
  password: string;
}

export function newOwner(): Owner {
  const id = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  return {
    workspace: `e2e-${id}`,
    name: 'Olivia Owner',
    email: `olivia.${id}@example.com`,
    password: `Long enough passphrase ${id}`,
  };
}

/** Creates a workspace through /signup and waits for its dashboard. */
export async function signUp(page: Page, owner: Owner = newOwner()) {
  await page.goto('/signup');
  await page.getByLabel('Workspace name').fill(`Workspace ${owner.workspace}`);
  await page.getByLabel('Workspace', { exact: true }).fill(owner.workspace);
  await page.getByLabel('Your name').fill(owner.name);
  await page.getByLabel('Email').fill(owner.email);
  await page.getByLabel('Password').fill(owner.password);
  await page.getByRole('button', { name: 'Create workspace' }).click();
  await expect(page).toHaveURL(/\/app\/dashboard$/);
  return owner;
}

/** The signed-in session's token and workspace, for setting up data through the API. */
export async function sessionOf(page: Page) {
  const raw = await page.evaluate(() => window.localStorage.getItem('m3.session'));
  const session = JSON.parse(raw ?? 'null') as { accessToken: string; tenant: string } | null;
  if (!session) throw new Error('Not signed in.');
  return { Authorization: `Bearer ${session.accessToken}`, 'X-Tenant-Id': session.tenant };
}
