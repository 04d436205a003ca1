// gRPC clients in the console: the demo traffic's POP group of rocketmq-client-nodejs SimpleConsumers shows each
// member with a gRPC badge (a RocketDeck remoting group shows remoting), and the topic page marks the gRPC endpoint's
// sends and lists the gRPC producer when its group (the topic, as in 5.x) is looked up.
import { expect, test } from './fixtures.ts';
import { consoleUrl, shot } from './helpers.ts';

test('a POP group of official-client consumers shows its members as gRPC clients', async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto(`${consoleUrl()}/groups/demo-grpc-cg`);
  const members = page.getByTestId('member-row');
  await expect(members).toHaveCount(2, { timeout: 60_000 });
  for (const row of await members.all()) {
    await expect(row.getByTestId('client-protocol')).toHaveText('gRPC');
    await expect(row).toContainText('NODE_JS');
  }
  // Their running info comes from the endpoint at once: no member is reported as not answering.
  await expect(page.getByText('Clients that did not report their queues')).toHaveCount(0);
  await shot(page, 'group-grpc-members');
  await page.goto(`${consoleUrl()}/groups/demo-orders-cg`);
  await expect(page.getByTestId('member-row').first().getByTestId('client-protocol')).toHaveText('remoting', { timeout: 30_000 });
});

test("the topic page marks the gRPC endpoint's sends and lists the gRPC producer by its group", async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto(`${consoleUrl()}/topics/DemoGrpcEvents`);
  const producers = page.getByTestId('topic-producers');
  await expect(producers.getByTestId('producer-row').first().getByTestId('producer-protocol')).toHaveText('gRPC endpoint', { timeout: 30_000 });
  await producers.getByTestId('producer-group-input').fill('DemoGrpcEvents');
  await producers.getByTestId('producer-group-input').press('Enter');
  const row = producers.getByTestId('producer-lookup-row').first();
  await expect(row.getByTestId('client-protocol')).toHaveText('gRPC', { timeout: 30_000 });
  await expect(row).toContainText('NODE_JS');
  await shot(page, 'topic-grpc-producer');
});
