// GET /api/dlq/{group}/export?format=jsonl|csv&begin=&end= (or &ids=offsetId,...): the dead letters as a download,
// streamed as they are read from the brokers.
import { api, checkGroup } from '@/lib/console/http.ts';
import { requestContext } from '@/lib/console/context.ts';
import { exportResponse } from '@/lib/console/dlq-view.ts';

export const dynamic = 'force-dynamic';

export const GET = api(async (req: Request, { params }: { params: Promise<{ group: string }> }) => {
  const group = checkGroup((await params).group);
  return exportResponse(requestContext(req).admin, group, new URL(req.url));
});
