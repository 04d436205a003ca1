// DELETE /api/alerts/silences/{id}: ends a silence now (operator).
import { api, json } from '@/lib/console/http.ts';
import { runtime } from '@/lib/console/context.ts';
import { idParam, removeSilence } from '@/lib/console/alerts/api.ts';

export const dynamic = 'force-dynamic';

export const DELETE = api(async (req: Request, { params }: { params: Promise<{ id: string }> }) => json(await removeSilence(runtime(), req, idParam((await params).id))));
