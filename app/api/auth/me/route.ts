// GET /api/auth/me: who the session cookie belongs to.
import { api, currentSession, json } from '@/lib/console/http.ts';
import { runtime } from '@/lib/console/context.ts';
import type { MeResponse } from '@/lib/console/api-types.ts';

export const dynamic = 'force-dynamic';

export const GET = api((req: Request) => {
  const s = currentSession(req, runtime().db);
  return json((s ? { username: s.username, role: s.role } : { username: null, role: null }) satisfies MeResponse);
});
