// One process per store directory: <root>/lock holds the owner's pid. A lock left by a process that no longer
// runs (killed) is taken over.

import fs from 'node:fs';
import { StoreFileError } from './errors.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function acquireStoreLock(file: string): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new StoreFileError(`cannot create store lock ${file}`, { cause: err });
    }
    const owner = Number(fs.readFileSync(file, 'utf8').trim());
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
      throw new StoreFileError(`store is in use by process ${owner} (lock ${file})`);
    }
    if (owner === process.pid) throw new StoreFileError(`store is already open in this process (lock ${file})`);
    fs.rmSync(file, { force: true });
  }
  throw new StoreFileError(`cannot take store lock ${file}`);
}

export function releaseStoreLock(file: string): void {
  try {
    if (fs.readFileSync(file, 'utf8').trim() === String(process.pid)) fs.rmSync(file, { force: true });
  } catch {
    // Already gone.
  }
}
