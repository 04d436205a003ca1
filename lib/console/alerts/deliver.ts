// Notifications to webhooks: one payload per channel format (generic JSON, Slack, DingTalk, Feishu), delivered
// in the background with retries and doubling backoff; each attempt is written to the delivery log.

import { createLogger } from '../../common/log.ts';
import type { ConsoleDb } from '../db.ts';
import type { AlertEvent } from './engine.ts';
import type { AlertChannel } from './rules.ts';
import { recipientsOf, sendAlertMail, smtpConfigFromEnv, type AlertMail, type SmtpConfig } from './email.ts';
import { activeSilences, insertNotification, listChannels, recordDelivery, silenceFor, type Delivery, type NotificationRow, type Silence } from './store.ts';

const log = createLogger('console.alerts');

/** What every format is built from. */
export interface NotificationBody {
  event: AlertEvent['event'] | 'test';
  alertId: number | null;
  cluster: string;
  rule: string;
  severity: string;
  subject: string;
  message: string;
  value: number | null;
  labels: Record<string, string>;
  startedAt: number | null;
  resolvedAt: number | null;
  ts: number;
}

export function bodyOf(e: AlertEvent): NotificationBody {
  const a = e.alert;
  return {
    event: e.event, alertId: a.id, cluster: a.cluster, rule: a.ruleId, severity: a.severity, subject: a.subject, message: a.message,
    value: a.value, labels: a.labels, startedAt: a.startedAt, resolvedAt: a.resolvedAt, ts: e.ts,
  };
}

const HEADLINE: Record<NotificationBody['event'], string> = { firing: 'FIRING', resolved: 'RESOLVED', flapping: 'FLAPPING', test: 'TEST' };

export function headline(b: NotificationBody): string {
  return `[${HEADLINE[b.event]}] [${b.severity}] ${b.rule} on ${b.cluster}: ${b.message}`;
}

/** The JSON a receiver of the given format expects. */
export function payloadFor(format: AlertChannel['format'], b: NotificationBody): unknown {
  const text = headline(b);
  switch (format) {
    case 'slack':
      return { text };
    case 'dingtalk':
      return { msgtype: 'text', text: { content: text } };
    case 'feishu':
      return { msg_type: 'text', content: { text } };
    case 'json':
      return { source: 'rocketdeck', ...b };
    case 'email':
      return mailOf(b);
  }
}

/** An email's subject and plain-text body: the headline, then every field of the notification. */
export function mailOf(b: NotificationBody): AlertMail {
  const at = (t: number | null) => (t === null ? '-' : new Date(t).toISOString());
  const lines = [
    headline(b), '',
    `event:    ${b.event}`, `rule:     ${b.rule}`, `severity: ${b.severity}`, `cluster:  ${b.cluster}`, `subject:  ${b.subject}`,
    `value:    ${b.value ?? '-'}`, `started:  ${at(b.startedAt)}`, `resolved: ${at(b.resolvedAt)}`,
    ...Object.entries(b.labels).map(([k, v]) => `${k}: ${v}`), '', '-- RocketDeck alerts',
  ];
  return { subject: headline(b), text: lines.join('\n') };
}

export interface NotifierOptions {
  /** The SMTP server of email channels; default from ROCKETDECK_SMTP_URL / ROCKETDECK_SMTP_FROM; null: none. */
  smtp?: SmtpConfig | null;
  now?: () => number;
  /** Waits between attempts (tests may shorten nothing: backoff is the channel's). */
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

export class Notifier {
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly smtp: SmtpConfig | undefined;

  constructor(private readonly db: ConsoleDb, opts: NotifierOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.smtp = opts.smtp === undefined ? smtpConfigFromEnv() : opts.smtp ?? undefined;
    this.sleep = opts.sleep ?? defaultSleep;
  }

  /** Records one notification per channel of the rule and sends it in the background (none when silenced). */
  dispatch(e: AlertEvent): void {
    this.dispatchAll([e]);
  }

  /** dispatch() for a cycle's events, reading channels and silences once. */
  dispatchAll(events: readonly AlertEvent[]): void {
    if (events.length === 0) return;
    const all = listChannels(this.db).filter((c) => c.enabled);
    const silences = activeSilences(this.db, events[0]!.ts);
    for (const e of events) this.dispatchOne(e, all, silences);
  }

  private dispatchOne(e: AlertEvent, all: AlertChannel[], silences: Silence[]): void {
    const channels = e.rule.channels.length ? all.filter((c) => e.rule.channels.includes(c.id)) : all;
    const silence = silenceFor(silences, e.alert);
    const body = bodyOf(e);
    for (const ch of channels) {
      const payload = payloadFor(ch.format, body);
      const id = insertNotification(this.db, { alertId: e.alert.id, channelId: ch.id, event: e.event, ts: e.ts, status: silence ? 'silenced' : 'pending', payload });
      if (silence) continue;
      this.track(this.deliver(id, ch, payload));
    }
    if (silence) log.info('alert_silenced', { alertId: e.alert.id, rule: e.alert.ruleId, subject: e.alert.subject, silence: silence.id });
  }

  /** Sends a test notification through a channel and waits for the outcome of every attempt. */
  async test(ch: AlertChannel, username: string): Promise<{ notificationId: number; status: NotificationRow['status']; deliveries: Delivery[] }> {
    const ts = this.now();
    const body: NotificationBody = {
      event: 'test', alertId: null, cluster: '-', rule: 'test', severity: 'info', subject: ch.id, message: `test notification sent by ${username}`,
      value: null, labels: {}, startedAt: null, resolvedAt: null, ts,
    };
    const payload = payloadFor(ch.format, body);
    const id = insertNotification(this.db, { alertId: null, channelId: ch.id, event: 'test', ts, status: 'pending', payload });
    const out = await this.deliver(id, ch, payload);
    return { notificationId: id, ...out };
  }

  private track(p: Promise<unknown>): void {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
  }

  /** Resolves when every delivery under way has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  private async deliver(id: number, ch: AlertChannel, payload: unknown): Promise<{ status: NotificationRow['status']; deliveries: Delivery[] }> {
    const deliveries: Delivery[] = [];
    for (let attempt = 1; attempt <= ch.retries + 1; attempt++) {
      const ts = this.now();
      const t0 = performance.now();
      let d: Delivery;
      try {
        if (ch.format === 'email') {
          if (!this.smtp) throw new Error('email is not configured: set ROCKETDECK_SMTP_URL');
          await sendAlertMail(this.smtp, recipientsOf(ch.url), payload as AlertMail, ch.timeoutMs);
          d = { attempt, ts, ok: true, statusCode: null, error: null, durationMs: Math.round(performance.now() - t0) };
        } else {
          const res = await fetch(ch.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'user-agent': 'RocketDeck-alerts' },
            body: JSON.stringify(payload),
            signal: AbortSignal.timeout(ch.timeoutMs),
          });
          await res.arrayBuffer().catch(() => undefined);
          d = { attempt, ts, ok: res.ok, statusCode: res.status, error: res.ok ? null : `HTTP ${res.status}`, durationMs: Math.round(performance.now() - t0) };
        }
      } catch (err) {
        d = { attempt, ts, ok: false, statusCode: null, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err), durationMs: Math.round(performance.now() - t0) };
      }
      deliveries.push(d);
      const last = d.ok || attempt === ch.retries + 1;
      const status: NotificationRow['status'] = d.ok ? 'delivered' : last ? 'failed' : 'pending';
      try {
        recordDelivery(this.db, id, d, status);
      } catch (err) {
        log.error('delivery_log_failed', { notificationId: id, error: err });
      }
      if (d.ok) return { status, deliveries };
      // the URL may carry a token (Slack, DingTalk): log the channel id, never the URL
      log.warn('delivery_failed', { notificationId: id, channel: ch.id, attempt, error: d.error, retrying: !last });
      if (last) return { status, deliveries };
      await this.sleep(ch.backoffMs * 2 ** (attempt - 1));
    }
    return { status: 'failed', deliveries };
  }
}
