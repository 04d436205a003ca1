// GET /api/audit?limit=&before=: the audit log, newest first (signed-in users).
import { api, intParam, json, requireUser } from '@/lib/console/http.ts';
import { runtime } from '@/lib/console/context.ts';
import { listAudit } from '@/lib/console/audit.ts';
import type { AuditResponse } from '@/lib/console/api-types.ts';

export const dynamic = 'force-dynamic';

export const GET = api((req: Request) => {
  const { db } = runtime();
  requireUser(req, db);
  const url = new URL(req.url);
  const limit = intParam(url, 'limit', { min: 1, max: 1000, default: 100 });
  const before = intParam(url, 'before', { min: 1 });
  return json({ entries: listAudit(db, { limit, ...(before ? { before } : {}) }) } satisfies AuditResponse);
});
