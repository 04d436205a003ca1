// GET /api/messages/{msgId}/consumers?topic=: which groups reading the topic have consumed the message.
import { api, json } from '@/lib/console/http.ts';
import { requestContext } from '@/lib/console/context.ts';
import { messageConsumers } from '@/lib/console/messages-view.ts';

export const dynamic = 'force-dynamic';

export const GET = api(async (req: Request, { params }: { params: Promise<{ msgId: string }> }) => {
  const { msgId } = await params;
  return json(await messageConsumers(requestContext(req).admin, msgId, new URL(req.url).searchParams.get('topic')));
});
