// Alert notifications by email: the console's SMTP server comes from the environment (ROCKETDECK_SMTP_URL, e.g.
// smtps://user:pass@mail.example.com:465, and ROCKETDECK_SMTP_FROM), never from a channel, so its password stays
// out of the database, the API and the logs; an email channel names only its recipients (mailto:a@x,b@y).

import nodemailer from 'nodemailer';
import { AlertConfigError } from './rules.ts';

export interface SmtpConfig {
  url: string;
  from: string;
}

export const DEFAULT_SMTP_FROM = 'RocketDeck <rocketdeck@localhost>';

/** The SMTP settings of ROCKETDECK_SMTP_URL / ROCKETDECK_SMTP_FROM; undefined when email is not configured. */
export function smtpConfigFromEnv(env: Record<string, string | undefined> = process.env): SmtpConfig | undefined {
  const url = env.ROCKETDECK_SMTP_URL?.trim();
  if (!url) return undefined;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new AlertConfigError('must be an smtp:// or smtps:// URL', 'ROCKETDECK_SMTP_URL');
  }
  if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:') throw new AlertConfigError('must be an smtp:// or smtps:// URL', 'ROCKETDECK_SMTP_URL');
  return { url, from: env.ROCKETDECK_SMTP_FROM?.trim() || DEFAULT_SMTP_FROM };
}

/** mailto:a@x,b@y -> the addresses (parseChannel checked them). */
export function recipientsOf(mailto: string): string[] {
  return decodeURIComponent(mailto.replace(/^mailto:/, '').split('?')[0]!).split(',').map((x) => x.trim()).filter(Boolean);
}

export interface AlertMail {
  subject: string;
  text: string;
}

/** Sends one mail; resolves with the server's answer, throws with the SMTP error (the URL is never in the message). */
export async function sendAlertMail(cfg: SmtpConfig, to: string[], mail: AlertMail, timeoutMs: number): Promise<string> {
  const transport = nodemailer.createTransport({ url: cfg.url, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs } as Parameters<typeof nodemailer.createTransport>[0]);
  try {
    const info = await transport.sendMail({ from: cfg.from, to, subject: mail.subject, text: mail.text });
    // a recipient refused is a failed delivery (retried: at least once, so the others may get it twice)
    const rejected = (info.rejected ?? []).map(String);
    if (rejected.length > 0) throw new Error(`SMTP server refused recipient(s) ${rejected.join(', ')}: ${String(info.response ?? '')}`);
    return String(info.response ?? '');
  } finally {
    transport.close();
  }
}
