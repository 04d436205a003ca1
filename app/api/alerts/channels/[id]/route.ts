// PUT /api/alerts/channels/{id} replaces a channel, DELETE removes it (operator).
import { api, json } from '@/lib/console/http.ts';
import { runtime } from '@/lib/console/context.ts';
import { putChannel, removeChannel } from '@/lib/console/alerts/api.ts';

export const dynamic = 'force-dynamic';
type Ctx = { params: Promise<{ id: string }> };

export const PUT = api(async (req: Request, { params }: Ctx) => json(await putChannel(runtime(), req, (await params).id)));
export const DELETE = api(async (req: Request, { params }: Ctx) => json(await removeChannel(runtime(), req, (await params).id)));
