// POST /api/tail/{id} {action: pause|resume|close}: control one of your live tails.
import { api, checkOrigin, readBody } from '@/lib/console/http.ts';
import { requestContext } from '@/lib/console/context.ts';
import { controlTail } from '@/lib/console/tail.ts';

export const dynamic = 'force-dynamic';

export const POST = api(async (req: Request, { params }: { params: Promise<{ id: string }> }) => {
  checkOrigin(req, true);
  const { id } = await params;
  return controlTail(req, requestContext(req), id, await readBody(req));
});
