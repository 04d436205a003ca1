// The room rules of RocketDeck, stated once (see /work/shared/STYLE.md "The house"). `npm run test:deps`, run first
// by `npm test`, checks every import in lib/, app/, components/ and the Next start-up hook against them, so a wrong
// import fails the build instead of waiting for a reviewer. Run it through .ci/deps/depcruise.mjs (it gives
// dependency-cruiser the TypeScript 5 compiler API to parse with; the project itself compiles with TypeScript 7).
//
// Rooms are lib/<name>, app (with the root instrumentation.ts, Next's start-up hook of the app) and components.
// Type-only imports count: a type couples two rooms as much as a value does.

/** lib/foo/x.ts, app/x/page.tsx, ... -> a regular expression for the room's files. */
const ROOM = {
  common: '^lib/common/',
  remoting: '^lib/remoting/',
  protocol: '^lib/protocol/',
  filter: '^lib/filter/',
  store: '^lib/store/',
  namesrv: '^lib/namesrv/',
  broker: '^lib/broker/',
  client: '^lib/client/',
  admin: '^lib/admin/',
  console: '^lib/console/',
  auth: '^lib/auth/',
  grpc: '^lib/grpc/',
  cluster: '^lib/cluster/',
  cli: '^lib/cli/',
  app: '^(app/|instrumentation\\.ts$)',
  components: '^components/',
};

/** Test code: unit tests beside the code and the integration tests (and their harnesses) under it/. */
const TESTS = '(\\.test\\.tsx?$|/it/)';

// What each room's production code may import besides itself (and node: or npm packages). Arrows run one way:
// this map has no cycle (checked below), which is the rule "no circular dependencies between rooms". Integration
// tests may cross it (a client test starts a broker through the broker's harness); the named rules below say
// where even tests may not go.
const MAY_IMPORT = {
  common: [],
  // RocketMQ's SQL92 selector language (parse, evaluate): used by the broker's subscriptions and the console's live
  // tail; a library over the error root only
  filter: ['common'],
  remoting: ['common'],
  // protocol sits above the transport (its headers use remoting's command model); remoting never imports protocol
  protocol: ['remoting', 'common'],
  store: ['protocol', 'common'],
  namesrv: ['remoting', 'protocol', 'common'],
  // access control shared by both ends: request signatures, the ACL model, refusals
  auth: ['protocol', 'remoting', 'common'],
  broker: ['store', 'auth', 'remoting', 'protocol', 'filter', 'common'],
  client: ['auth', 'remoting', 'protocol', 'common'],
  admin: ['client', 'auth', 'remoting', 'protocol', 'filter', 'common'],
  // the gRPC endpoint (broker-local or `rocketdeck proxy`): a remoting client of the brokers
  grpc: ['client', 'auth', 'remoting', 'protocol', 'common'],
  console: ['admin', 'filter', 'common'],
  // the launcher: starts nodes as processes (no import), uses the broker's config model, the admin client and the
  // demo traffic's clients
  cluster: ['broker', 'admin', 'client', 'auth', 'common'],
  cli: ['cluster', 'grpc', 'admin', 'client', 'broker', 'namesrv', 'store', 'auth', 'protocol', 'remoting', 'filter', 'common'],
  // components import types only (see components-import-only-types-from-lib)
  components: ['console', 'admin'],
  app: ['components', 'console', 'admin', 'filter', 'common'],
};

const rooms = (names) => `(${names.map((n) => ROOM[n]).join('|')})`;

// The rules named in issue 14 and STYLE.md. Each says why in its comment; `room-layers` below catches the rest.
const named = [
  {
    name: 'store-stays-below-the-servers',
    comment:
      'lib/store is the message store (files, no networking): it never imports the broker, the nameserver, the ' +
      'clients, admin, console, cli or the transport. Holds for its tests too.',
    severity: 'error',
    from: { path: ROOM.store },
    to: { path: rooms(['broker', 'namesrv', 'client', 'admin', 'remoting', 'console', 'cluster', 'cli']) },
  },
  {
    name: 'store-loads-no-networking',
    comment:
      'Not even through another room: the store reaches lib/remoting by no chain of imports (message decoding ' +
      "errors once extended the transport's error class and loaded it into 19 store files).",
    severity: 'error',
    from: { path: ROOM.store, pathNot: TESTS },
    to: { path: ROOM.remoting, reachable: true },
  },
  {
    name: 'client-is-not-a-server',
    comment: 'The SDK talks to brokers and nameservers over the wire only: it never imports their rooms or the store.',
    severity: 'error',
    from: { path: ROOM.client, pathNot: TESTS },
    to: { path: rooms(['broker', 'namesrv', 'store']) },
  },
  {
    name: 'ui-never-touches-the-wire',
    comment:
      'The console (lib/console), its pages and route handlers (app) and components ask a cluster through ' +
      'lib/admin only: no transport, no protocol codes, headers or bodies, no server room.',
    severity: 'error',
    from: { path: rooms(['console', 'app', 'components']), pathNot: TESTS },
    to: { path: rooms(['remoting', 'protocol', 'broker', 'namesrv', 'store']) },
  },
  {
    name: 'only-app-imports-the-console',
    comment:
      "lib/console is the console's server side; only the Next app (app/, instrumentation.ts) imports it. The " +
      "console process is started by lib/cluster/console-process.ts through Next, not by import, so no launcher " +
      'exception is needed. Components may import the API answer shapes, types only (next rule).',
    severity: 'error',
    from: { pathNot: [ROOM.app, ROOM.console, ROOM.components] },
    to: { path: ROOM.console },
  },
  {
    name: 'components-import-only-types-from-lib',
    comment:
      'Components run in the browser: from lib/ they import types only (the console API answer shapes, ' +
      "lib/admin's result types), never code, so no server module reaches the client bundle.",
    severity: 'error',
    from: { path: ROOM.components },
    to: { path: '^lib/', dependencyTypesNot: ['type-only'] },
  },
  {
    name: 'no-orphans',
    comment:
      'A module that imports nothing and nobody imports is dead code (components/charts/live-series.ts was one): ' +
      'delete it, or import it where it is meant to be used.',
    severity: 'error',
    from: { orphan: true, pathNot: ['\\.d\\.m?ts$', TESTS] }, // tests are entry points
    to: {},
  },
  {
    name: 'lib-never-imports-the-ui',
    comment: 'Nothing in lib/ imports app/ or components/ (tests included).',
    severity: 'error',
    from: { path: '^lib/' },
    to: { path: rooms(['app', 'components']) },
  },
];

/** Rooms a named rule already forbids `room` (production code) to import, so room-layers does not report them twice. */
function namedTargets(room) {
  const file = sampleFile(room);
  const matches = (re) => [re].flat().some((x) => new RegExp(x).test(file));
  const out = new Set();
  for (const r of named) {
    const applies = (!r.from.path || matches(r.from.path)) && !(r.from.pathNot && matches(r.from.pathNot));
    // only plain "room -> rooms" rules count (not reachability, exceptions, type filters or orphans)
    if (!applies || !r.to.path || r.to.pathNot || r.to.dependencyTypesNot || r.to.reachable || r.from.orphan) continue;
    for (const other of Object.keys(ROOM)) if (new RegExp(r.to.path).test(sampleFile(other))) out.add(other);
  }
  return out;
}
function sampleFile(room) {
  return room === 'app' ? 'app/x.ts' : room === 'components' ? 'components/x.tsx' : `lib/${room}/x.ts`;
}

// room-layers: any other import across rooms that MAY_IMPORT does not list.
const layers = Object.keys(ROOM).flatMap((room) => {
  const allowed = new Set([room, ...MAY_IMPORT[room]]);
  const already = namedTargets(room);
  const banned = Object.keys(ROOM).filter((other) => !allowed.has(other) && !already.has(other));
  if (banned.length === 0) return [];
  return [{
    name: 'room-layers',
    comment: `${room} may import ${MAY_IMPORT[room].join(', ') || 'no other room'} (MAY_IMPORT in .dependency-cruiser.cjs)`,
    severity: 'error',
    from: { path: ROOM[room], pathNot: TESTS },
    to: { path: rooms(banned) },
  }];
});

// Every room keeps a room-layers rule but the cli (named rules already forbid all it may not import).
if (layers.length !== Object.keys(ROOM).length - 1) {
  throw new Error(`.dependency-cruiser.cjs: expected room-layers rules for all rooms but the cli, got ${layers.length}`);
}

// MAY_IMPORT must have no cycle, or two rooms could import each other without a rule noticing.
(function assertNoRoomCycle() {
  const state = {};
  const visit = (room, trail) => {
    if (state[room] === 'done') return;
    if (state[room] === 'open') throw new Error(`.dependency-cruiser.cjs: MAY_IMPORT has a cycle: ${[...trail, room].join(' -> ')}`);
    state[room] = 'open';
    for (const next of MAY_IMPORT[room]) visit(next, [...trail, room]);
    state[room] = 'done';
  };
  for (const room of Object.keys(MAY_IMPORT)) visit(room, []);
})();

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [...named, ...layers],
  options: {
    // lib/ imports with explicit .ts extensions; app/ and components/ use the @/ alias: both resolve through it
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|\\.next)/' },
    // only our rooms are modules of the graph; node: and npm imports are not rules' business here
    includeOnly: '^(lib|app|components)/|^instrumentation\\.ts$',
  },
};
