// The CLI frame: command specs, option parsing with node:util parseArgs, --help, --json and exit codes.

import { parseArgs } from 'node:util';
import { RocketDeckError } from '../common/errors.ts';

/** Exit codes of every rocketdeck command. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  description: string;
  /** Shown in --help; also applied when the option is absent. */
  default?: string | boolean;
  /** Placeholder in --help, e.g. PORT. */
  valueName?: string;
}

export type OptionValues = Record<string, string | boolean | string[] | undefined>;

export interface CommandContext {
  values: OptionValues;
  positionals: string[];
  /** --json was given: print one JSON document to stdout instead of text. */
  json: boolean;
  out(line: string): void;
  err(line: string): void;
  /** Aborted on SIGINT/SIGTERM; long-running commands stop cleanly when it fires. */
  signal: AbortSignal;
}

export interface CommandSpec {
  name: string;
  summary: string;
  /** One-line synopsis after "Usage: rocketdeck ". */
  usage: string;
  options?: Record<string, OptionSpec>;
  allowPositionals?: boolean;
  /** A command with subcommands routes on its first positional (e.g. `rocketdeck admin topicList`). */
  subcommands?: CommandSpec[];
  /**
   * Subcommands loaded on use (name -> import): running one command loads only its module, so the CLI does not
   * evaluate every room at start-up. Help output loads them all for their summaries.
   */
  lazySubcommands?: Record<string, () => Promise<CommandSpec>>;
  /** Extra text printed at the end of --help. */
  details?: string;
  run?(ctx: CommandContext): Promise<number>;
}

/** Wrong arguments: printed with a hint to --help, exit code 2. */
export class UsageError extends RocketDeckError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** An expected failure (bad config, unreachable peer): printed as one line, exit code 1, no stack. */
export class CliError extends RocketDeckError {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  help: { type: 'boolean', short: 'h', description: 'show help for this command' },
  json: { type: 'boolean', description: 'print machine-readable JSON' },
};

export function formatHelp(spec: CommandSpec, path: string[]): string {
  const lines = [`Usage: rocketdeck ${spec.usage}`, '', spec.summary];
  if (spec.subcommands?.length) {
    lines.push('', 'Commands:');
    const width = Math.max(...spec.subcommands.map((c) => c.name.length));
    for (const c of spec.subcommands) lines.push(`  ${c.name.padEnd(width)}  ${c.summary}`);
    lines.push('', `Run 'rocketdeck ${[...path, '<command>'].join(' ')} --help' for a command's options.`);
  }
  const opts = { ...(spec.options ?? {}), ...GLOBAL_OPTIONS };
  const rows = Object.entries(opts).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.valueName ?? 'VALUE'}` : ''}`;
    const def = o.default !== undefined && o.default !== false ? ` (default: ${o.default})` : '';
    return [flag, `${o.description}${def}`] as const;
  });
  const width = Math.max(...rows.map((r) => r[0].length));
  lines.push('', 'Options:');
  for (const [flag, text] of rows) lines.push(`  ${flag.padEnd(width)}  ${text}`);
  if (spec.details) lines.push('', spec.details);
  return lines.join('\n');
}

export interface RunIo {
  out(line: string): void;
  err(line: string): void;
  signal: AbortSignal;
}

/** Parses argv against `spec` (descending into subcommands) and runs it; returns the exit code. */
export async function runCommand(spec: CommandSpec, argv: string[], io: RunIo, path: string[] = []): Promise<number> {
  if (spec.lazySubcommands) {
    const { lazySubcommands, ...rest } = spec;
    const first = argv[0];
    const loader = first !== undefined ? lazySubcommands[first] : undefined;
    const wanted = loader ? [loader] : Object.values(lazySubcommands);
    return runCommand({ ...rest, subcommands: await Promise.all(wanted.map((load) => load())) }, argv, io, path);
  }
  const here = [...path, spec.name].filter(Boolean);
  const self = ['rocketdeck', ...here].join(' ');
  if (spec.subcommands?.length) {
    const first = argv[0];
    if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
      io.out(formatHelp(spec, here));
      return first === undefined ? EXIT_USAGE : EXIT_OK;
    }
    const sub = spec.subcommands.find((c) => c.name === first);
    if (!sub) {
      io.err(`${self}: unknown command '${first}'. Run '${self} --help' for the list.`);
      return EXIT_USAGE;
    }
    return runCommand(sub, argv.slice(1), io, here);
  }
  const options = { ...(spec.options ?? {}), ...GLOBAL_OPTIONS };
  let parsed: { values: OptionValues; positionals: string[] };
  try {
    parsed = parseArgs({
      args: argv,
      options: Object.fromEntries(
        Object.entries(options).map(([k, o]) => {
          const def: { type: 'string' | 'boolean'; short?: string; multiple?: boolean } = { type: o.type };
          if (o.short) def.short = o.short;
          if (o.multiple) def.multiple = true;
          return [k, def];
        }),
      ),
      allowPositionals: spec.allowPositionals ?? false,
      strict: true,
    }) as { values: OptionValues; positionals: string[] };
  } catch (err) {
    io.err(`${self}: ${(err as Error).message.split('\n')[0]}`);
    io.err(`Run '${self} --help' for usage.`);
    return EXIT_USAGE;
  }
  if (parsed.values.help) {
    io.out(formatHelp(spec, here));
    return EXIT_OK;
  }
  for (const [k, o] of Object.entries(options)) {
    if (parsed.values[k] === undefined && o.default !== undefined) parsed.values[k] = o.default;
  }
  if (!spec.run) {
    io.out(formatHelp(spec, here));
    return EXIT_USAGE;
  }
  const json = parsed.values.json === true;
  try {
    return await spec.run({ values: parsed.values, positionals: parsed.positionals, json, out: io.out, err: io.err, signal: io.signal });
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`${self}: ${err.message}`);
      io.err(`Run '${self} --help' for usage.`);
      return EXIT_USAGE;
    }
    const message = err instanceof Error ? err.message : String(err);
    if (json) io.out(JSON.stringify({ ok: false, error: message }));
    io.err(`${self}: ${message}`);
    if (!(err instanceof CliError) && process.env.ROCKETDECK_DEBUG && err instanceof Error) io.err(err.stack ?? '');
    return EXIT_FAILURE;
  }
}

/** Reads a string option, throwing UsageError when it is required and missing. */
export function stringOpt(values: OptionValues, name: string, required = false): string | undefined {
  const v = values[name];
  if (Array.isArray(v)) return v[v.length - 1];
  if (typeof v === 'string') return v;
  if (required) throw new UsageError(`missing required option --${name}`);
  return undefined;
}

/** Reads an integer option within [min, max], throwing UsageError naming the option when malformed. */
export function intOpt(values: OptionValues, name: string, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const raw = stringOpt(values, name);
  if (raw === undefined) return undefined;
  if (!/^-?\d+$/.test(raw.trim())) throw new UsageError(`--${name} must be an integer, got '${raw}'`);
  const n = Number(raw);
  if (n < min || n > max) throw new UsageError(`--${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

/** Resolves when the signal aborts (SIGINT/SIGTERM): for long-running servers. */
export function waitForAbort(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
