// RemotingCommand: the one message shape of RocketMQ's remoting protocol (requests and responses alike).

export type SerializeType = 'JSON' | 'ROCKETMQ';

/** Wire values of the serializeType byte (high byte of the header-length word). */
export const SERIALIZE_TYPE_CODE: Record<SerializeType, number> = { JSON: 0, ROCKETMQ: 1 };

/** RocketMQ's LanguageCode enum: name on the JSON wire, byte in the ROCKETMQ binary header. */
export const LANGUAGE_CODES = {
  JAVA: 0,
  CPP: 1,
  DOTNET: 2,
  PYTHON: 3,
  DELPHI: 4,
  ERLANG: 5,
  RUBY: 6,
  OTHER: 7,
  HTTP: 8,
  GO: 9,
  PHP: 10,
  OMS: 11,
  RUST: 12,
  NODE_JS: 13,
} as const;

export type LanguageName = keyof typeof LANGUAGE_CODES;

const LANGUAGE_BY_CODE = new Map<number, string>(Object.entries(LANGUAGE_CODES).map(([k, v]) => [v, k]));

export function languageName(code: number): string {
  return LANGUAGE_BY_CODE.get(code) ?? 'OTHER';
}

export function languageCode(name: string): number {
  return (LANGUAGE_CODES as Record<string, number>)[name] ?? LANGUAGE_CODES.OTHER;
}

/** Bit 0 of `flag` marks a response, bit 1 a oneway request (RemotingCommand.RPC_TYPE / RPC_ONEWAY). */
export const FLAG_RESPONSE = 1;
export const FLAG_ONEWAY = 2;

/** Header `version` we announce: MQVersion V4_9_8 (the vectors' peers say 409). */
export const DEFAULT_VERSION = 409;
/** Language we announce. Java clients accept any known name; OTHER is what non-Java SDKs commonly send. */
export const DEFAULT_LANGUAGE = 'JAVA';

export interface RemotingCommand {
  code: number;
  language: string;
  version: number;
  opaque: number;
  flag: number;
  remark?: string;
  /** All header fields travel as strings (RocketMQ's makeCustomHeaderToNet). */
  extFields?: Record<string, string>;
  serializeType: SerializeType;
  body?: Buffer;
  /**
   * The sender promises `body` never changes once the command is sent (e.g. a pull answer's records, read into a
   * buffer of their own): a large one then goes to the socket as is after the header, not copied into the frame.
   */
  bodyImmutable?: boolean;
}

export const isResponse = (cmd: RemotingCommand): boolean => (cmd.flag & FLAG_RESPONSE) !== 0;
export const isOneway = (cmd: RemotingCommand): boolean => (cmd.flag & FLAG_ONEWAY) !== 0;

/** Header values accepted by the builders: numbers and booleans become strings, undefined/null are left out. */
export type HeaderInput = Record<string, string | number | boolean | bigint | undefined | null>;

export function toExtFields(header: HeaderInput | undefined): Record<string, string> | undefined {
  if (!header) return undefined;
  const out: Record<string, string> = {};
  const values = header as Record<string, unknown>;
  for (const k in values) {
    if (!Object.hasOwn(values, k)) continue;
    const v = values[k];
    if (v === undefined || v === null) continue;
    out[k] = typeof v === 'string' ? v : String(v);
  }
  return out;
}

export interface RequestOptions {
  body?: Buffer;
  serializeType?: SerializeType;
  language?: string;
  version?: number;
  oneway?: boolean;
  remark?: string;
}

/** A request; the transport assigns `opaque` when it sends it. */
export function createRequest(code: number, header?: HeaderInput, opts: RequestOptions = {}): RemotingCommand {
  return {
    code,
    language: opts.language ?? DEFAULT_LANGUAGE,
    version: opts.version ?? DEFAULT_VERSION,
    opaque: 0,
    flag: opts.oneway ? FLAG_ONEWAY : 0,
    remark: opts.remark,
    extFields: toExtFields(header),
    serializeType: opts.serializeType ?? 'JSON',
    body: opts.body,
  };
}

/** A response to `request`: same opaque and serialization, response flag set. */
export function createResponse(
  request: RemotingCommand,
  code: number,
  remark?: string,
  header?: HeaderInput,
  body?: Buffer,
): RemotingCommand {
  return {
    code,
    language: DEFAULT_LANGUAGE,
    version: DEFAULT_VERSION,
    opaque: request.opaque,
    flag: FLAG_RESPONSE,
    remark,
    extFields: toExtFields(header),
    serializeType: request.serializeType,
    body,
  };
}
