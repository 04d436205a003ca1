// Types of bundle.mjs (plain JavaScript so that bin.mjs can read it before TypeScript can be loaded).

export declare const BUNDLE_DIR: string;
/** The bundle's entry URL when it exists and no input changed since its build started, else undefined. */
export declare function freshBundle(dir?: string): string | undefined;
/** Builds the bundle into `dir` (BUNDLE_DIR by default). */
export declare function buildBundle(dir?: string): Promise<{ dir: string; bytes: number; inputs: number }>;
