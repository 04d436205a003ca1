// GET /api/alerts/notifications[?alertId=N]: notifications with the delivery log of each (every attempt).
import { api, json } from '@/lib/console/http.ts';
import { runtime } from '@/lib/console/context.ts';
import { notifications } from '@/lib/console/alerts/api.ts';

export const dynamic = 'force-dynamic';

export const GET = api((req: Request) => json(notifications(runtime(), new URL(req.url))));
