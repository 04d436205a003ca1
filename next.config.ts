// Next.js configuration of the RocketDeck console.
import type { NextConfig } from 'next';
import { API_CSP, COMMON_SECURITY_HEADERS } from './lib/console/security-headers.ts';

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // lib/ is plain TypeScript imported with explicit .ts extensions; route handlers use Node APIs (net, fs).
  serverExternalPackages: ['better-sqlite3'],
  typescript: { ignoreBuildErrors: false },
  // pages get their Content-Security-Policy (with a per-request nonce) from proxy.ts
  async headers() {
    return [
      { source: '/:path*', headers: [...COMMON_SECURITY_HEADERS] },
      { source: '/api/:path*', headers: [{ key: 'Content-Security-Policy', value: API_CSP }] },
    ];
  },
};

export default nextConfig;
