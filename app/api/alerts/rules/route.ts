// POST /api/alerts/rules: creates or replaces a rule (operator).
import { api, json } from '@/lib/console/http.ts';
import { runtime } from '@/lib/console/context.ts';
import { putRule } from '@/lib/console/alerts/api.ts';

export const dynamic = 'force-dynamic';

export const POST = api(async (req: Request) => json(await putRule(runtime(), req), 201));
