// Email channels against a real SMTP server on 127.0.0.1 (smtp-server): the test notification arrives with its
// headline as subject and the recipients of the channel; a server that refuses is retried and logged; an email
// channel without SMTP configured fails with the setting named; bad channels and settings name the field.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { setLogSink } from '../../common/log.ts';
import { openConsoleDb } from '../db.ts';
import { Notifier } from './deliver.ts';
import { smtpConfigFromEnv } from './email.ts';
import { AlertConfigError, parseChannel } from './rules.ts';
import { listNotifications } from './store.ts';

setLogSink(() => {});

interface Received { from: string; to: string[]; data: string }
const received: Received[] = [];
let refuse = 0;
let server: SMTPServer;
let port = 0;

before(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, cb) {
      if (refuse > 0) {
        refuse--;
        const err = new Error('mailbox busy, try later') as Error & { responseCode: number };
        err.responseCode = 451;
        return cb(err);
      }
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), data: Buffer.concat(chunks).toString('utf8') });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.server.address() as AddressInfo).port;
});

after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const channel = (over: Record<string, unknown> = {}) => parseChannel({ id: 'ops-mail', format: 'email', url: 'mailto:ops@example.com,oncall@example.com', retries: 2, backoff: '10ms', timeout: '5s', ...over });

test('a test notification is mailed through the SMTP server to every recipient of the channel', async () => {
  received.length = 0;
  const db = openConsoleDb(':memory:');
  const n = new Notifier(db, { smtp: { url: `smtp://127.0.0.1:${port}`, from: 'RocketDeck <alerts@rocketdeck.test>' } });
  const r = await n.test(channel(), 'alice');
  assert.equal(r.status, 'delivered', JSON.stringify(r.deliveries));
  assert.equal(received.length, 1);
  assert.equal(received[0]!.from, 'alerts@rocketdeck.test');
  assert.deepEqual(received[0]!.to, ['ops@example.com', 'oncall@example.com']);
  assert.match(received[0]!.data, /^Subject: \[TEST\] \[info\] test on -: test notification sent by alice/m);
  assert.match(received[0]!.data, /severity: info/);
  assert.equal(listNotifications(db)[0]!.status, 'delivered');
});

test('a server that refuses is retried with backoff; every attempt is in the delivery log', async () => {
  received.length = 0;
  refuse = 2; // both recipients of the first attempt
  const db = openConsoleDb(':memory:');
  const waits: number[] = [];
  const n = new Notifier(db, { smtp: { url: `smtp://127.0.0.1:${port}`, from: 'alerts@rocketdeck.test' }, sleep: async (ms) => { waits.push(ms); } });
  const r = await n.test(channel(), 'bob');
  assert.equal(r.status, 'delivered');
  assert.equal(r.deliveries.length, 2);
  assert.equal(r.deliveries[0]!.ok, false);
  assert.match(r.deliveries[0]!.error!, /451|mailbox busy|recipients were rejected/);
  assert.deepEqual(waits, [10]);
  assert.equal(received.length, 1);
});

test('without SMTP configured an email channel fails naming the setting; a closed port fails every attempt', async () => {
  const db = openConsoleDb(':memory:');
  const none = await new Notifier(db, { smtp: null, sleep: async () => {} }).test(channel({ retries: 0 }), 'carol');
  assert.equal(none.status, 'failed');
  assert.match(none.deliveries[0]!.error!, /ROCKETDECK_SMTP_URL/);
  const closed = await new Notifier(db, { smtp: { url: 'smtp://127.0.0.1:1', from: 'a@b.c' }, sleep: async () => {} }).test(channel({ retries: 1 }), 'carol');
  assert.equal(closed.status, 'failed');
  assert.equal(closed.deliveries.length, 2);
});

test('bad email channels and SMTP settings name the field', () => {
  assert.throws(() => channel({ url: 'https://example.com/x' }), (e: AlertConfigError) => e instanceof AlertConfigError && e.field === 'channel.url');
  assert.throws(() => channel({ url: 'mailto:not-an-address' }), (e: AlertConfigError) => e.field === 'channel.url' && /not an email address/.test(e.message));
  assert.throws(() => smtpConfigFromEnv({ ROCKETDECK_SMTP_URL: 'http://mail' }), (e: AlertConfigError) => e.field === 'ROCKETDECK_SMTP_URL');
  assert.deepEqual(smtpConfigFromEnv({ ROCKETDECK_SMTP_URL: 'smtps://u:p@mail.example.com:465', ROCKETDECK_SMTP_FROM: 'x@y.z' }), { url: 'smtps://u:p@mail.example.com:465', from: 'x@y.z' });
  assert.equal(smtpConfigFromEnv({}), undefined);
});
