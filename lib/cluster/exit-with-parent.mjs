// Ends a supervised process when its supervisor dies, whatever killed it (SIGKILL included): the supervisor puts
// its pid in ROCKETDECK_SUPERVISOR_PID, and once this process's parent is another one (it was re-parented to init
// or a subreaper) the process sends itself SIGTERM, the orderly stop it would get from a living supervisor, and
// SIGKILL if it is still there 20 s later. Linux's PR_SET_PDEATHSIG would do this in the kernel, but Node has no
// binding for prctl. Loaded by lib/cli/bin.mjs, and with `node --import` into the console's Next.js server.

const POLL_MS = 250;
const KILL_AFTER_MS = 20_000;

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/**
 * Acts on the supervisor's death once: its output pipes have no reader any more, so writes are dropped (an EPIPE
 * would otherwise end the process on the spot, skipping its orderly stop), then SIGTERM to itself.
 */
let stopping = false;
function stopSelf() {
  if (stopping) return;
  stopping = true;
  for (const stream of [process.stdout, process.stderr]) {
    if (stream.listenerCount('error') === 0) stream.on('error', () => {});
    stream.write = (_chunk, encoding, cb) => {
      const done = typeof encoding === 'function' ? encoding : cb;
      if (typeof done === 'function') queueMicrotask(done);
      return true;
    };
  }
  setTimeout(() => process.kill(process.pid, 'SIGKILL'), KILL_AFTER_MS).unref();
  process.kill(process.pid, 'SIGTERM');
}

const supervisor = Number(process.env.ROCKETDECK_SUPERVISOR_PID);
if (Number.isInteger(supervisor) && supervisor > 0) {
  if (process.ppid === supervisor) {
    const timer = setInterval(() => {
      if (process.ppid === supervisor) return;
      clearInterval(timer);
      stopSelf();
    }, POLL_MS);
    timer.unref();
    // The supervisor reads this process's output: a broken pipe is its death seen before the next poll.
    for (const stream of [process.stdout, process.stderr]) {
      stream.on('error', (err) => {
        if (stopping) return;
        if (err.code !== 'EPIPE') throw err;
        clearInterval(timer);
        stopSelf();
      });
    }
  } else if (!alive(supervisor)) {
    // The supervisor died between spawning this process and this check.
    stopSelf();
  }
  // Otherwise a process the supervised one started (Next.js build workers inherit its environment and
  // --import): its own parent looks after it.
}
