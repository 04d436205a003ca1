// POST /api/alerts/{id}/ack: acknowledges a firing alert in the signed-in operator's name.
import { api, json } from '@/lib/console/http.ts';
import { runtime } from '@/lib/console/context.ts';
import { acknowledge, idParam } from '@/lib/console/alerts/api.ts';

export const dynamic = 'force-dynamic';

export const POST = api(async (req: Request, { params }: { params: Promise<{ id: string }> }) => json(await acknowledge(runtime(), req, idParam((await params).id))));
