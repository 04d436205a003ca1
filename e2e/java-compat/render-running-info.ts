// The running info of a live consumer rendered on its group page in real Chromium: the client row, one row per
// queue of the topic, and (asked for) its thread stack. Used by running-info.sh for a Java 4.9.8 consumer.
// Usage: npx tsx e2e/java-compat/render-running-info.ts CONSOLE_URL GROUP CLIENT_ID TOPIC QUEUES SCREENSHOT.png
import { chromium } from '@playwright/test';
import { existsSync } from 'node:fs';

const [url, group, clientId, topic, queues, screenshot] = process.argv.slice(2);
if (!screenshot) throw new Error('usage: render-running-info.ts CONSOLE_URL GROUP CLIENT_ID TOPIC QUEUES SCREENSHOT.png');
const browser = await chromium.launch({ executablePath: existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined });
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1200 } });
  page.setDefaultTimeout(30_000);
  await page.goto(`${url}/groups/${encodeURIComponent(group!)}`);
  const info = page.getByTestId('running-info');
  await info.waitFor();
  if (!(await info.textContent())?.includes(clientId!)) throw new Error(`the page does not name ${clientId}`);
  const rows = info.getByTestId('running-queue').filter({ hasText: topic! });
  await page.waitForFunction(([t, n]) => [...document.querySelectorAll('[data-testid="running-queue"]')].filter((e) => e.textContent?.includes(t!)).length === Number(n), [topic, queues]);
  await page.getByTestId('diagnosis-thread-stack').check();
  const stack = page.getByTestId('thread-stack').first();
  await stack.getByText(/thread stack \(\d+ lines\)/).waitFor();
  const lines = /thread stack \((\d+) lines\)/.exec((await stack.textContent()) ?? '')?.[1];
  await page.screenshot({ path: screenshot!, fullPage: true });
  console.log(`RESULT console.page.java OK queues=${await rows.count()} jstackLines=${lines} screenshot=${screenshot}`);
} finally {
  await browser.close();
}
