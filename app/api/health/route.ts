// GET /api/health: liveness of the console server and the nameservers it is configured for.
import { NextResponse } from 'next/server';
import { parseNamesrvAddr } from '@/lib/common/namesrv-addr';

export const dynamic = 'force-dynamic';

export function GET() {
  return NextResponse.json({
    status: 'ok',
    namesrvAddr: parseNamesrvAddr(process.env.NAMESRV_ADDR),
    uptimeSeconds: Math.round(process.uptime()),
  });
}
