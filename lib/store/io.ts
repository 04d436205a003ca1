// Positional file I/O used by every store file; one object so tests can inject faults (a full disk, EIO).

import fs from 'node:fs';

export interface StoreIo {
  write(fd: number, buf: Buffer, offset: number, length: number, position: number): Promise<number>;
  writeSync(fd: number, buf: Buffer, offset: number, length: number, position: number): number;
  read(fd: number, buf: Buffer, offset: number, length: number, position: number): Promise<number>;
  readSync(fd: number, buf: Buffer, offset: number, length: number, position: number): number;
  fdatasync(fd: number): Promise<void>;
  fdatasyncSync(fd: number): void;
}

export const defaultStoreIo: StoreIo = {
  write: (fd, buf, offset, length, position) =>
    new Promise((resolve, reject) => fs.write(fd, buf, offset, length, position, (err, n) => (err ? reject(err) : resolve(n)))),
  writeSync: (fd, buf, offset, length, position) => fs.writeSync(fd, buf, offset, length, position),
  read: (fd, buf, offset, length, position) =>
    new Promise((resolve, reject) => fs.read(fd, buf, offset, length, position, (err, n) => (err ? reject(err) : resolve(n)))),
  readSync: (fd, buf, offset, length, position) => fs.readSync(fd, buf, offset, length, position),
  fdatasync: (fd) => new Promise((resolve, reject) => fs.fdatasync(fd, (err) => (err ? reject(err) : resolve()))),
  fdatasyncSync: (fd) => fs.fdatasyncSync(fd),
};

/** The I/O in use; tests swap single methods and restore them with `resetStoreIo`. */
export const storeIo: StoreIo = { ...defaultStoreIo };

export function resetStoreIo(): void {
  Object.assign(storeIo, defaultStoreIo);
}

/** Writes all of `length` bytes (a positional write may be short). */
export async function writeFully(fd: number, buf: Buffer, offset: number, length: number, position: number): Promise<void> {
  while (length > 0) {
    const n = await storeIo.write(fd, buf, offset, length, position);
    offset += n;
    position += n;
    length -= n;
  }
}

export function writeFullySync(fd: number, buf: Buffer, offset: number, length: number, position: number): void {
  while (length > 0) {
    const n = storeIo.writeSync(fd, buf, offset, length, position);
    offset += n;
    position += n;
    length -= n;
  }
}

/** Reads up to `length` bytes, stopping early only at end of file; returns the count read. */
export async function readFully(fd: number, buf: Buffer, offset: number, length: number, position: number): Promise<number> {
  let total = 0;
  while (total < length) {
    const n = await storeIo.read(fd, buf, offset + total, length - total, position + total);
    if (n === 0) break;
    total += n;
  }
  return total;
}

export function readFullySync(fd: number, buf: Buffer, offset: number, length: number, position: number): number {
  let total = 0;
  while (total < length) {
    const n = storeIo.readSync(fd, buf, offset + total, length - total, position + total);
    if (n === 0) break;
    total += n;
  }
  return total;
}

/** fsync of a directory, so that a file created or removed in it survives a power loss. */
export function fsyncDirSync(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some file systems refuse fsync on a directory; the data files themselves are still synced.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
