// What the alert routes answer and change: the alerts view, rule/channel edits (operators), silences,
// acknowledgements and test sends, each change in the audit log. Route handlers stay thin on top of these.

import { audited } from '../audit.ts';
import type { ConsoleRuntime } from '../boot.ts';
import { HttpError, bad, int, readBody, requireOperator, str } from '../http.ts';
import { AlertConfigError, parseChannel, parseDuration, parseRule } from './rules.ts';
import {
  ackAlert, activeSilences, addSilence, deleteChannel, deleteRule, endSilence, firingAlerts, getAlert, listChannels, listNotifications, listRules,
  recentAlerts, saveChannel, saveRule, silenceFor, type AlertRow, type Silence,
} from './store.ts';

/** A channel as everyone sees it: the URL's path and query may carry a token, so only its origin is shown. */
const publicChannel = (c: ReturnType<typeof listChannels>[number]) => ({ ...c, url: `${new URL(c.url).origin}/…` });

export interface AlertView extends AlertRow {
  silencedBy: Silence | null;
}

export function alertsView(rt: ConsoleRuntime, now = Date.now()) {
  const silences = activeSilences(rt.db, now);
  const withSilence = (a: AlertRow): AlertView => ({ ...a, silencedBy: a.state === 'firing' ? silenceFor(silences, a) ?? null : null });
  const firing = firingAlerts(rt.db).map(withSilence);
  return {
    firing: firing.filter((a) => !a.silencedBy),
    silenced: firing.filter((a) => a.silencedBy),
    recent: recentAlerts(rt.db, 100).map(withSilence),
    silences,
    counts: { firing: firing.filter((a) => !a.silencedBy).length, silenced: firing.filter((a) => a.silencedBy).length },
    rules: listRules(rt.db),
    channels: listChannels(rt.db).map(publicChannel),
    file: rt.alerts.file ?? null,
    fileError: rt.alerts.fileError,
    lastEvaluation: rt.alerts.engine.lastStats,
  };
}

const asBadRequest = <T>(fn: () => T): T => {
  try {
    return fn();
  } catch (err) {
    if (err instanceof AlertConfigError) throw bad(err.field.replace(/^(rule|channel)\./, ''), err.message.replace(/^(rule|channel)\./, ''));
    throw err;
  }
};

export async function putRule(rt: ConsoleRuntime, req: Request, id?: string) {
  const user = requireOperator(req, rt.db);
  const body = await readBody(req);
  if (id !== undefined) body.id ??= id;
  const rule = asBadRequest(() => parseRule(body));
  if (id !== undefined && rule.id !== id) throw bad('id', `must be '${id}' as in the URL`);
  const known = new Set(listChannels(rt.db).map((c) => c.id));
  rule.channels.forEach((c, i) => {
    if (!known.has(c)) throw bad(`channels[${i}]`, `no channel '${c}'`);
  });
  await audited(rt.db, { username: user.username, action: 'saveAlertRule', target: rule.id, params: body }, async () => {
    saveRule(rt.db, rule, 'api');
    rt.alerts.engine.invalidate();
    return { saved: rule.id };
  });
  return rule;
}

export async function removeRule(rt: ConsoleRuntime, req: Request, id: string) {
  const user = requireOperator(req, rt.db);
  if (!listRules(rt.db).some((r) => r.id === id)) throw new HttpError(404, `id: no rule '${id}'`, 'id');
  await audited(rt.db, { username: user.username, action: 'deleteAlertRule', target: id, params: {} }, async () => {
    deleteRule(rt.db, id);
    rt.alerts.engine.invalidate();
    return { deleted: id };
  });
  return { deleted: id };
}

export async function putChannel(rt: ConsoleRuntime, req: Request, id?: string) {
  const user = requireOperator(req, rt.db);
  const body = await readBody(req);
  if (id !== undefined) body.id ??= id;
  const ch = asBadRequest(() => parseChannel(body));
  if (id !== undefined && ch.id !== id) throw bad('id', `must be '${id}' as in the URL`);
  await audited(rt.db, { username: user.username, action: 'saveAlertChannel', target: ch.id, params: { ...body, url: publicChannel({ ...ch, source: 'api' }).url } }, async () => {
    saveChannel(rt.db, ch, 'api');
    return { saved: ch.id };
  });
  return publicChannel({ ...ch, source: 'api' });
}

export async function removeChannel(rt: ConsoleRuntime, req: Request, id: string) {
  const user = requireOperator(req, rt.db);
  if (!listChannels(rt.db).some((c) => c.id === id)) throw new HttpError(404, `id: no channel '${id}'`, 'id');
  const users = listRules(rt.db).filter((r) => r.channels.includes(id)).map((r) => r.id);
  if (users.length) throw new HttpError(409, `id: channel '${id}' is named by rule(s) ${users.join(', ')}: change them first`, 'id');
  await audited(rt.db, { username: user.username, action: 'deleteAlertChannel', target: id, params: {} }, async () => ({ deleted: deleteChannel(rt.db, id) }));
  return { deleted: id };
}

export async function testChannel(rt: ConsoleRuntime, req: Request, id: string) {
  const user = requireOperator(req, rt.db);
  const ch = listChannels(rt.db).find((c) => c.id === id);
  if (!ch) throw new HttpError(404, `id: no channel '${id}'`, 'id');
  return audited(rt.db, { username: user.username, action: 'testAlertChannel', target: id, params: {} }, () => rt.alerts.notifier.test(ch, user.username));
}

/** Body: ruleId (glob, default *), cluster (glob), subject (glob), reason, and endsAt (ms) or duration ("2h"). */
export async function createSilence(rt: ConsoleRuntime, req: Request, now = Date.now()) {
  const user = requireOperator(req, rt.db);
  const body = await readBody(req);
  const reason = str(body, 'reason', { required: true });
  const ruleId = str(body, 'ruleId') ?? '*';
  const cluster = str(body, 'cluster') ?? '*';
  const subject = str(body, 'subject') ?? '*';
  let endsAt = int(body, 'endsAt', { min: 0 });
  if (endsAt === undefined) {
    const d = str(body, 'duration', { required: true });
    endsAt = now + asBadRequest(() => parseDuration(d, 'duration'));
  }
  if (endsAt <= now) throw bad('endsAt', 'must be in the future');
  const s = await audited(rt.db, { username: user.username, action: 'silenceAlerts', target: `${cluster}/${ruleId}/${subject}`, params: { reason, endsAt } }, async () =>
    addSilence(rt.db, { ruleId, cluster, subject, reason, createdBy: user.username, createdAt: now, endsAt: endsAt! }));
  return s;
}

export async function removeSilence(rt: ConsoleRuntime, req: Request, id: number, now = Date.now()) {
  const user = requireOperator(req, rt.db);
  const ok = await audited(rt.db, { username: user.username, action: 'endSilence', target: String(id), params: {} }, async () => endSilence(rt.db, id, now));
  if (!ok) throw new HttpError(404, `id: no active silence ${id}`, 'id');
  return { ended: id };
}

export async function acknowledge(rt: ConsoleRuntime, req: Request, id: number, now = Date.now()) {
  const user = requireOperator(req, rt.db);
  const a = getAlert(rt.db, id);
  if (!a) throw new HttpError(404, `id: no alert ${id}`, 'id');
  if (a.state !== 'firing') throw new HttpError(409, `alert ${id} is ${a.state}: only a firing alert is acknowledged`);
  await audited(rt.db, { username: user.username, action: 'ackAlert', target: `${a.cluster}/${a.ruleId}/${a.subject}`, params: { alertId: id } }, async () => ackAlert(rt.db, id, user.username, now));
  return getAlert(rt.db, id)!;
}

export function notifications(rt: ConsoleRuntime, url: URL) {
  const alertId = url.searchParams.get('alertId');
  if (alertId !== null && !/^\d+$/.test(alertId)) throw bad('alertId', 'must be an alert id');
  return { notifications: listNotifications(rt.db, alertId !== null ? { alertId: Number(alertId), limit: 200 } : { limit: 200 }) };
}

export function idParam(v: string, field = 'id'): number {
  if (!/^\d+$/.test(v)) throw bad(field, 'must be a number');
  return Number(v);
}

export type AlertsResponse = ReturnType<typeof alertsView>;
