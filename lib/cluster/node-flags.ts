// V8 options for the processes that run nodes (broker, nameserver, proxy): given to `rocketdeck up`'s children, to
// the `rocketdeck` command itself (the shebang of lib/cli/bin.mjs, checked by node-flags.test.ts) and to the
// harnesses that start nodes for tests and benchmarks, as RocketMQ's runbroker.sh gives its JVM heap options.
//
// A broker's heap is small and steady (20-40 MiB live) while it allocates tens of MB of short-lived objects a second.
// V8 starts incremental marking whenever the room left under the old generation's limit is smaller than the young
// generation's capacity, and it sets that limit from the live size at each mark-compact: with a small live size the
// room was too small right after every mark-compact, so under replication load a slave ran about four mark-compacts
// a second, a quarter of its CPU (docs/benchmarks.md, "Session 8"). A 128 MiB initial old space leaves the room. It
// is a collection threshold, not memory taken: idle RSS does not change.
//
// `--expose-gc` lets a broker run one full collection when a drain has ended (MessageStore: the read windows are
// released after a retention interval unused): a backlog drain leaves tens of MiB of dead answer bodies that V8 would
// otherwise hold until allocation picks up, so an idle broker that had served one stayed at 193 MiB RSS instead of
// about 105 (`npm run bench -- broker-rss`). The collection takes 12-19 ms, once per drain.
export const SERVER_NODE_FLAGS: readonly string[] = ['--initial-old-space-size=128', '--expose-gc'];
