// PUT /api/alerts/rules/{id} replaces a rule, DELETE removes it (operator).
import { api, json } from '@/lib/console/http.ts';
import { runtime } from '@/lib/console/context.ts';
import { putRule, removeRule } from '@/lib/console/alerts/api.ts';

export const dynamic = 'force-dynamic';
type Ctx = { params: Promise<{ id: string }> };

export const PUT = api(async (req: Request, { params }: Ctx) => json(await putRule(runtime(), req, (await params).id)));
export const DELETE = api(async (req: Request, { params }: Ctx) => json(await removeRule(runtime(), req, (await params).id)));
