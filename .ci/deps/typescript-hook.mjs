// Module resolution hook for .ci/deps/depcruise.mjs: `import('typescript')` from dependency-cruiser's files gets
// the TypeScript 5 copy installed beside this file (the root's `typescript` is 7, which has no compiler API).

let target;

export function initialize(data) {
  target = data.typescriptUrl;
}

export async function resolve(specifier, context, next) {
  if (specifier === 'typescript' && context.parentURL?.includes('/node_modules/dependency-cruiser/')) {
    return { url: target, format: 'commonjs', shortCircuit: true };
  }
  return next(specifier, context);
}
