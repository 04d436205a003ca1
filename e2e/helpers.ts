// Shared helpers of the browser tests: the console URL, signing in, screenshots, the cluster's CLI, polling.
import { expect, type Page } from '@playwright/test';
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** The shared polling helper (lib/common/wait-for.ts), for the specs. */
export { waitFor } from '../lib/common/wait-for.ts';

const ROOT = join(import.meta.dirname, '..');
export const SHOTS = join(ROOT, 'test-results', 'e2e');

export const consoleUrl = (): string => process.env.ROCKETDECK_CONSOLE_URL!;
export const namesrvAddr = (): string => process.env.ROCKETDECK_E2E_NAMESRV!;
export const clusterDir = (): string => process.env.ROCKETDECK_E2E_DIR!;

export const USERS = {
  operator: () => ({ username: 'operator', password: process.env.ROCKETDECK_E2E_OPERATOR_PW! }),
  viewer: () => ({ username: 'viewer', password: process.env.ROCKETDECK_E2E_VIEWER_PW! }),
};

/** Signs the page's browser context in through the API (the sign-in form itself is tested in 01-auth). */
export async function signIn(page: Page, who: 'operator' | 'viewer'): Promise<void> {
  const res = await page.request.post(`${consoleUrl()}/api/auth/login`, { headers: { origin: consoleUrl() }, data: USERS[who]() });
  expect(res.status(), await res.text()).toBe(200);
}

/**
 * The page's one element with `testId`, once the page has settled to one: while a streamed page is revealed and
 * hydrated, its server-rendered copy and the live one can both be in the document for a moment (fresh-clone runs saw
 * two search boxes on the groups page, two headers on another, and two topic fields on the live tail).
 */
export async function settledOne(page: Page, testId: string) {
  const el = page.getByTestId(testId);
  await expect(el).toHaveCount(1);
  return el;
}

/** Types into a list page's search box once the page has settled to one (see settledOne). */
export async function searchList(page: Page, text: string): Promise<void> {
  await (await settledOne(page, 'search')).fill(text);
}

/** Full-page screenshot saved as a test artifact: test-results/e2e/<name>.png. */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** `rocketdeck <args>` against the test cluster (node stop/start...). */
export async function cli(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, 'lib', 'cli', 'bin.mjs'), ...args], { cwd: ROOT, timeout: 60_000 });
  return stdout;
}

/** Unique names per run, so reruns against a kept cluster do not collide. */
export const uniq = (prefix: string): string => `${prefix}_${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

/** A console API call with the page's session cookie and this console as Origin (as the pages send them). */
export async function apiCall(page: Page, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await page.request.fetch(consoleUrl() + path, {
    method,
    headers: { origin: consoleUrl(), 'content-type': 'application/json' },
    data: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status(), json };
}
