// GET /api/alerts: firing, silenced and recent alerts, silences, rules and channels (anyone signed in or not).
import { api, json } from '@/lib/console/http.ts';
import { runtime } from '@/lib/console/context.ts';
import { alertsView } from '@/lib/console/alerts/api.ts';

export const dynamic = 'force-dynamic';

export const GET = api(() => json(alertsView(runtime())));
