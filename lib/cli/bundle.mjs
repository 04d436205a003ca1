// The CLI as compiled JavaScript: esbuild bundles lib/cli/main.ts (packages stay external, one chunk per lazily
// loaded command) into node_modules/.cache/rocketdeck/cli, so `rocketdeck` starts without compiling TypeScript.
// bin.mjs runs it while it is fresh (no source it was built from changed since) and falls back to tsx otherwise.
// Plain JavaScript: bin.mjs reads the freshness check before anything can load TypeScript.

import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BUNDLE_DIR = join(ROOT, 'node_modules', '.cache', 'rocketdeck', 'cli');
const ENTRY = join(ROOT, 'lib', 'cli', 'main.ts');

/**
 * The bundle's entry URL when it exists and no input changed since its build started, else undefined.
 * ROCKETDECK_BUNDLE=0 turns the bundle off (tsx always).
 */
export function freshBundle(dir = BUNDLE_DIR) {
  if (process.env.ROCKETDECK_BUNDLE === '0') return undefined;
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  } catch {
    return undefined;
  }
  if (manifest.root !== ROOT || !Array.isArray(manifest.inputs)) return undefined;
  for (const input of manifest.inputs) {
    const st = statSync(join(ROOT, input), { throwIfNoEntry: false });
    if (!st || st.mtimeMs > manifest.builtAtMs) return undefined;
  }
  return pathToFileURL(join(dir, manifest.entry)).href;
}

/** The expression the plugin below rewrites, spelled so that bundling this file does not rewrite the plugin itself. */
const META_URL = ['import', 'meta', 'url'].join('.');

/**
 * Each bundled module keeps its own import.meta.url (lib/cluster/supervisor.ts finds bin.mjs by it,
 * console-process.ts the project root): the bundle says where its source file sits relative to the chunk.
 */
const keepImportMetaUrl = (bundleDir) => ({
  name: 'keep-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.[mc]?[jt]s$/ }, (args) => {
      if (args.path.includes('/node_modules/')) return undefined;
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes(META_URL)) return undefined;
      const rel = relative(bundleDir, args.path).split('\\').join('/');
      return {
        contents: text.replaceAll(META_URL, `new URL(${JSON.stringify(rel)}, ${META_URL}).href`),
        loader: args.path.endsWith('ts') ? 'ts' : 'js',
      };
    });
  },
});

/** Builds the bundle (into a temporary directory, then swapped in); resolves with its size and input count. */
export async function buildBundle(dir = BUNDLE_DIR) {
  // Resolved from the project, wherever the running copy of this file sits (a bundle in another directory).
  const { build } = createRequire(join(ROOT, 'package.json'))('esbuild');
  const builtAtMs = Date.now();
  const out = `${dir}.tmp-${process.pid}`;
  rmSync(out, { recursive: true, force: true });
  const result = await build({
    entryPoints: { main: ENTRY },
    absWorkingDir: ROOT,
    outdir: out,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    // Error classes are named explicitly, but esbuild renames clashing top-level names across modules.
    keepNames: true,
    outExtension: { '.js': '.mjs' },
    metafile: true,
    logLevel: 'silent',
    plugins: [keepImportMetaUrl(dir)],
  });
  // The chunks sit where the bundle directory will be, so the relative import.meta.url paths hold after the move.
  const inputs = Object.keys(result.metafile.inputs).filter((p) => !p.includes('node_modules/'));
  const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
  writeFileSync(join(out, 'manifest.json'), JSON.stringify({ root: ROOT, entry: 'main.mjs', builtAtMs, inputs }, null, 1));
  mkdirSync(dirname(dir), { recursive: true });
  const old = `${dir}.old-${process.pid}`;
  try {
    renameSync(dir, old);
  } catch {
    // no previous bundle
  }
  try {
    renameSync(out, dir);
  } catch (err) {
    // Another build (a concurrent `rocketdeck build`) put its bundle in place first: keep that one.
    rmSync(out, { recursive: true, force: true });
    if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err;
  }
  rmSync(old, { recursive: true, force: true });
  return { dir, bytes, inputs: inputs.length };
}
