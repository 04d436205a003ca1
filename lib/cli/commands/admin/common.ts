// Shared pieces of the `rocketdeck admin` commands: -n / --timeout options, the AdminClient lifecycle, text tables,
// and how partial answers are reported (failures named on stderr, exit code by command kind).

import { createLogger, setLogLevel } from '../../../common/log.ts';
import { AdminClient, AdminError, BrokerUnavailableError, DeadlineError, describeError, type BrokerFailure, type NamesrvFailure } from '../../../admin/index.ts';
import { ProtocolError } from '../../../protocol/errors.ts';
import { RemotingError, ResponseCodeError } from '../../../remoting/errors.ts';
import { CREDENTIAL_OPTIONS } from '../credentials.ts';
import { CliError, EXIT_FAILURE, EXIT_OK, intOpt, stringOpt, UsageError, type CommandContext, type OptionSpec, type OptionValues } from '../../framework.ts';

export const NAMESRV_OPTION: Record<string, OptionSpec> = {
  namesrvAddr: { type: 'string', short: 'n', valueName: 'ADDR', description: "nameserver addresses 'host:port;host:port' (default: $NAMESRV_ADDR)" },
  timeout: { type: 'string', valueName: 'MS', description: 'timeout of each request', default: '3000' },
  ...CREDENTIAL_OPTIONS,
};

/** The ACL credentials a command signs its requests with (each half falls back to its environment variable). */
export function credentialOpts(values: OptionValues): { accessKey?: string; secretKey?: string } {
  const accessKey = stringOpt(values, 'access-key') ?? process.env.ROCKETMQ_ACCESS_KEY;
  const secretKey = stringOpt(values, 'secret-key') ?? process.env.ROCKETMQ_SECRET_KEY;
  return accessKey !== undefined || secretKey !== undefined ? { accessKey, secretKey } : {};
}

/** mqadmin-style option: -x, --longName VALUE. */
export const opt = (short: string | undefined, description: string, valueName = 'VALUE'): OptionSpec =>
  short ? { type: 'string', short, description, valueName } : { type: 'string', description, valueName };

const log = createLogger('cli.admin');

/** Runs `fn` with an AdminClient built from -n / --timeout, always closing it. */
export async function withAdmin<T>(ctx: CommandContext, fn: (admin: AdminClient) => Promise<T>): Promise<T> {
  // The CLI prints its own answer; library log lines would only clutter stderr.
  if (!process.env.ROCKETDECK_LOG_LEVEL) setLogLevel('error');
  const timeoutMs = intOpt(ctx.values, 'timeout', 1, 600_000) ?? 3000;
  let admin: AdminClient;
  try {
    admin = new AdminClient({ namesrvAddr: stringOpt(ctx.values, 'namesrvAddr'), timeoutMs, ...credentialOpts(ctx.values) });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const t0 = performance.now();
  try {
    return await fn(admin);
  } catch (err) {
    if (err instanceof AdminError) throw new CliError(err.message);
    // a broker that missed its deadline: the message names it
    if (err instanceof BrokerUnavailableError || err instanceof DeadlineError) throw new CliError(describeError(err));
    // an error answer names the peer that gave it; transport errors already name the address
    if (err instanceof ResponseCodeError) throw new CliError(`${err.addr}: ${describeError(err)}`);
    // transport errors name the address; a protocol error (an answer that does not decode) says what was wrong
    if (err instanceof RemotingError || err instanceof ProtocolError) throw new CliError(err.message);
    throw err;
  } finally {
    await admin.close();
    // how long the cluster took to answer, process start-up aside (ROCKETDECK_LOG_LEVEL=info shows it)
    log.info('admin_command_done', { durationMs: Math.round(performance.now() - t0), timeoutMs });
  }
}

export function requireOpt(values: OptionValues, name: string): string {
  const v = stringOpt(values, name)?.trim();
  if (!v) throw new UsageError(`missing required option --${name}`);
  return v;
}

/** -b or -c (one of them), as mqadmin's option groups ask. */
export function brokerOrCluster(values: OptionValues, required = true): { brokerAddrs?: string[]; clusterName?: string } {
  const b = stringOpt(values, 'brokerAddr')?.trim();
  const c = stringOpt(values, 'clusterName')?.trim();
  if (b && c) throw new UsageError('give either --brokerAddr (-b) or --clusterName (-c), not both');
  if (!b && !c && required) throw new UsageError('name the target: --brokerAddr (-b) host:port or --clusterName (-c) name');
  return b ? { brokerAddrs: b.split(/[;,]/).map((s) => s.trim()).filter(Boolean) } : c ? { clusterName: c } : {};
}

/** "true"/"false" option values as mqadmin reads them (Boolean.parseBoolean); absent -> undefined. */
export function boolArg(values: OptionValues, name: string): boolean | undefined {
  const v = stringOpt(values, name);
  if (v === undefined) return undefined;
  const t = v.trim().toLowerCase();
  if (t !== 'true' && t !== 'false') throw new UsageError(`--${name} must be true or false, got '${v}'`);
  return t === 'true';
}

/** Left-aligned text table; every column as wide as its widest cell. */
export function table(headers: string[], rows: Array<Array<string | number | boolean | undefined>>): string[] {
  const cells = rows.map((r) => r.map((c) => (c === undefined ? '' : String(c))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(headers), ...cells.map(line)];
}

export function printTable(ctx: CommandContext, headers: string[], rows: Array<Array<string | number | boolean | undefined>>): void {
  for (const l of table(headers, rows)) ctx.out(l);
}

export const failureLine = (f: BrokerFailure): string =>
  `${f.brokerName || f.brokerAddr}${f.brokerName && f.brokerAddr ? ` (${f.brokerAddr})` : ''}: ${f.error}`;

export interface Report {
  errors?: BrokerFailure[];
  warnings?: BrokerFailure[];
  namesrvErrors?: NamesrvFailure[];
}

/**
 * Prints the answer (JSON document or text) and names every failed broker on stderr. A read answers 0 while
 * anything came back; a write answers 1 when any target failed.
 */
export function finish<T extends object>(ctx: CommandContext, result: T, render: (r: T) => void, kind: 'read' | 'write', empty = false): number {
  if (ctx.json) ctx.out(JSON.stringify(result));
  else render(result);
  const report = result as Report;
  for (const w of report.warnings ?? []) ctx.err(`warning: ${failureLine(w)}`);
  for (const e of report.errors ?? []) ctx.err(`error: ${failureLine(e)}`);
  for (const n of report.namesrvErrors ?? []) ctx.err(`error: nameserver ${n.namesrvAddr}: ${n.error}`);
  const failed = (report.errors?.length ?? 0) + (report.namesrvErrors?.length ?? 0) > 0;
  if (kind === 'write') return failed ? EXIT_FAILURE : EXIT_OK;
  return failed && empty ? EXIT_FAILURE : EXIT_OK;
}
