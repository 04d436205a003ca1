// Security headers of every console answer. Pages get a Content-Security-Policy with a fresh nonce per request
// (proxy.ts; Next.js puts the nonce on its own scripts when it finds it in the request's CSP header); API answers,
// static files and the rest get a policy that allows nothing to run or frame them (next.config.ts).

/** On every answer, pages, API and static files alike. */
export const COMMON_SECURITY_HEADERS: ReadonlyArray<{ key: string; value: string }> = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'same-origin' },
  // for browsers that predate frame-ancestors
  { key: 'X-Frame-Options', value: 'DENY' },
];

/** API answers are data: nothing in them may run, load or be framed. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * A page's policy. Scripts: only this response's nonce ('strict-dynamic' lets Next.js's nonced loader load its
 * chunks); 'unsafe-eval' only in development, where React's debugging needs it. Styles allow inline because React
 * and the charts set style attributes (a nonce cannot cover attributes).
 */
export function pageCsp(nonce: string, dev = false): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    `connect-src 'self'${dev ? ' ws: wss:' : ''}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** 128 random bits, base64. */
export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}
