// Next.js proxy (formerly middleware): gives every page request a fresh CSP nonce. Next.js reads the nonce from the
// request's Content-Security-Policy header and sets it on the scripts it renders; the browser gets the same policy.
// API routes and static files are left out here: next.config.ts gives them their (fixed) headers.
import { NextResponse, type NextRequest } from 'next/server';
import { newNonce, pageCsp } from './lib/console/security-headers.ts';

export function proxy(request: NextRequest): NextResponse {
  const nonce = newNonce();
  const csp = pageCsp(nonce, process.env.NODE_ENV === 'development');
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('x-nonce', nonce);
  requestHeaders.set('content-security-policy', csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('content-security-policy', csp);
  return response;
}

export const config = {
  matcher: [{ source: '/((?!api/|_next/static/|_next/image|favicon.ico|icon.svg).*)' }],
};
