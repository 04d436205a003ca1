// Next.js configuration of the RocketDeck console.
import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // lib/ is plain TypeScript imported with explicit .ts extensions; route handlers use Node APIs (net, fs).
  serverExternalPackages: ['better-sqlite3'],
  typescript: { ignoreBuildErrors: false },
};

export default nextConfig;
