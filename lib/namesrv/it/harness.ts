// Test harness for nameserver integration tests: in-process and child-process nameservers, raw frame
// connections, broker registration helpers and deadline polling.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';
import { RequestCode } from '../../protocol/codes.ts';
import { encodeRegisterBrokerBody, type TopicConfig } from '../../protocol/bodies/index.ts';
import { decodeFrameWithLength, encodeFrame, FrameDecoder } from '../../remoting/codec.ts';
import { createRequest, type RemotingCommand } from '../../remoting/command.ts';
import type { RemotingClient } from '../../remoting/client.ts';
import { defaultNamesrvConfig, type NamesrvConfig } from '../config.ts';
import { NamesrvController } from '../namesrv.ts';
import { SERVER_NODE_FLAGS } from '../../cluster/node-flags.ts';

/** The shared polling helper, re-exported for the harnesses built on this one. */
export { waitFor } from '../../common/wait-for.ts';

export const BIN = fileURLToPath(new URL('../../cli/bin.mjs', import.meta.url));

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `rd-${prefix}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A nameserver in this process on a free port with its files in a temp dir. */
export async function startInProcess(overrides: Partial<NamesrvConfig> = {}): Promise<{ ctl: NamesrvController; dir: string; stop(): Promise<void> }> {
  const dir = tempDir('namesrv');
  const ctl = new NamesrvController({ ...defaultNamesrvConfig(dir), listenPort: 0, ...overrides });
  await ctl.start();
  return {
    ctl,
    dir,
    async stop() {
      await ctl.shutdown(100);
      removeDir(dir);
    },
  };
}

export interface NamesrvProcess {
  address: string;
  child: ChildProcess;
  dir: string;
  /** stderr lines so far (JSON log records). */
  logs: string[];
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

export interface ReadyProcess {
  child: ChildProcess;
  /** stderr lines so far (JSON log records). */
  logs: string[];
  exited: Promise<number | null>;
  /** The address from the "... ready at host:port" line. */
  address: string;
}

/** Runs `rocketdeck <args>` and resolves once it prints its "ready at host:port" line; rejects if it exits first. */
export async function spawnUntilReady(args: string[], role: string, nodeArgs: string[] = []): Promise<ReadyProcess> {
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, ...nodeArgs, BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: string[] = [];
  let errBuf = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    errBuf += chunk;
    const parts = errBuf.split('\n');
    errBuf = parts.pop()!;
    logs.push(...parts);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const address = await new Promise<string>((resolve, reject) => {
    let out = '';
    const onData = (chunk: string) => {
      out += chunk;
      const m = /ready at (\S+)\n/.exec(out);
      if (m) {
        child.stdout!.off('data', onData);
        resolve(m[1]!);
      }
    };
    child.stdout!.setEncoding('utf8').on('data', onData);
    void exited.then((code) => reject(new Error(`${role} exited with ${code} before ready: ${logs.join('\n')}${errBuf}`)));
  });
  return { child, logs, exited, address };
}

/** Runs `rocketdeck namesrv --port 0` as a child process and waits for its ready line. */
export async function spawnNamesrv(confText?: string): Promise<NamesrvProcess> {
  const dir = tempDir('namesrv-proc');
  const args = [BIN, 'namesrv', '--port', '0', '--data-dir', dir];
  if (confText !== undefined) {
    const conf = join(dir, 'namesrv.conf');
    writeFileSync(conf, confText);
    args.push('-c', conf);
  }
  const { child, logs, exited, address } = await spawnUntilReady(args.slice(1), 'namesrv');
  return {
    address,
    child,
    dir,
    logs,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const code = await exited;
      removeDir(dir);
      return code;
    },
  };
}

/** A bare TCP connection that writes frames as given and reads whole response frames. */
export class RawConnection {
  private readonly decoder = new FrameDecoder();
  private readonly frames: Buffer[] = [];
  private waiter?: () => void;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      for (const f of this.decoder.push(chunk)) this.frames.push(f);
      this.waiter?.();
    });
  }

  static connect(address: string): Promise<RawConnection> {
    const i = address.lastIndexOf(':');
    return new Promise((resolve, reject) => {
      const s = net.connect(Number(address.slice(i + 1)), address.slice(0, i), () => resolve(new RawConnection(s)));
      s.once('error', reject);
    });
  }

  /** Writes a complete frame (with its length prefix) and resolves with the next response frame, length prefix included. */
  async exchange(frame: Buffer, timeoutMs = 5000): Promise<Buffer> {
    this.socket.write(frame);
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length === 0) {
      if (Date.now() > deadline) throw new Error('no response frame');
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
        setTimeout(resolve, 50);
      });
    }
    const body = this.frames.shift()!;
    const len = Buffer.alloc(4);
    len.writeInt32BE(body.length);
    return Buffer.concat([len, body]);
  }

  close(): void {
    this.socket.destroy();
  }
}

export const decodeResponse = (frame: Buffer): RemotingCommand => decodeFrameWithLength(frame);
export { encodeFrame };

export interface TestBroker {
  cluster: string;
  brokerName: string;
  brokerId: number;
  brokerAddr: string;
  haServerAddr: string;
  topics: Array<{ topicName: string; queues: number; perm?: number }>;
  dataVersion: { counter: number; timestamp: number };
}

/** A REGISTER_BROKER request as a 4.9.8 broker builds it (RegisterBrokerBody JSON, body CRC). */
export function registerRequest(b: TestBroker): RemotingCommand {
  const topicConfigTable = new Map<string, TopicConfig>(
    b.topics.map((t) => [
      t.topicName,
      { topicName: t.topicName, readQueueNums: t.queues, writeQueueNums: t.queues, perm: t.perm ?? 6, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false },
    ]),
  );
  const body = encodeRegisterBrokerBody({ filterServerList: [], topicConfigSerializeWrapper: { dataVersion: b.dataVersion, topicConfigTable } });
  return createRequest(
    RequestCode.REGISTER_BROKER,
    {
      brokerId: b.brokerId,
      bodyCrc32: crc32(body) & 0x7fffffff,
      clusterName: b.cluster,
      brokerAddr: b.brokerAddr,
      haServerAddr: b.haServerAddr,
      compressed: false,
      brokerName: b.brokerName,
    },
    { body },
  );
}

export async function registerBroker(client: RemotingClient, namesrv: string, b: TestBroker): Promise<RemotingCommand> {
  return client.invoke(namesrv, registerRequest(b), 5000);
}
