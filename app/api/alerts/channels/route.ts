// POST /api/alerts/channels: creates or replaces a webhook channel (operator).
import { api, json } from '@/lib/console/http.ts';
import { runtime } from '@/lib/console/context.ts';
import { putChannel } from '@/lib/console/alerts/api.ts';

export const dynamic = 'force-dynamic';

export const POST = api(async (req: Request) => json(await putChannel(runtime(), req), 201));
