// POST /api/alerts/silences: silences alerts matching rule, cluster and subject patterns until an end time (operator).
import { api, json } from '@/lib/console/http.ts';
import { runtime } from '@/lib/console/context.ts';
import { createSilence } from '@/lib/console/alerts/api.ts';

export const dynamic = 'force-dynamic';

export const POST = api(async (req: Request) => json(await createSilence(runtime(), req), 201));
