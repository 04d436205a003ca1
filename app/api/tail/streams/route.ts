// GET /api/tail/streams: the live tails open on this console, the feeds reading for them and the limits.
import { api, json } from '@/lib/console/http.ts';
import { tailHub } from '@/lib/console/tail-hub.ts';

export const dynamic = 'force-dynamic';

export const GET = api(async () => json(tailHub().list()));
