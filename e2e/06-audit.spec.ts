// The audit log lists the changes the other specs made, with who made them and how they went.
import { expect, test } from './fixtures.ts';
import { consoleUrl, shot, signIn } from './helpers.ts';

test('the audit log lists changes with user, action and result', async ({ page }) => {
  await page.goto(`${consoleUrl()}/audit`);
  await expect(page.getByText('Sign in to read the audit log')).toBeVisible();
  await signIn(page, 'viewer');
  await page.goto(`${consoleUrl()}/audit`);
  await expect(page.getByTestId('audit-row').first()).toBeVisible();
  const table = page.getByTestId('audit-table');
  await expect(table).toContainText('createTopic');
  await expect(table).toContainText('deleteTopic');
  await expect(table).toContainText('operator');
  await expect(table.getByText('failed').first()).toBeVisible();
  await page.getByTestId('audit-row').filter({ hasText: 'deleteTopic' }).first().click();
  await expect(page.getByText('Parameters')).toBeVisible();
  await shot(page, 'audit');
});
