// POST /api/alerts/channels/{id}/test: sends a test notification and answers with every attempt (operator).
import { api, json } from '@/lib/console/http.ts';
import { runtime } from '@/lib/console/context.ts';
import { testChannel } from '@/lib/console/alerts/api.ts';

export const dynamic = 'force-dynamic';

export const POST = api(async (req: Request, { params }: { params: Promise<{ id: string }> }) => json(await testChannel(runtime(), req, (await params).id)));
