// Access-control and saved-cluster writes from the console: the operator check with a refusal written to the audit log too, and the
// answer's status (all brokers refused or failed: 502 naming them; some: 200 with the failures listed).

import { recordAudit } from './audit.ts';
import type { ConsoleDb } from './db.ts';
import { currentSession, HttpError, json, requireOperator } from './http.ts';
import type { AclWriteResult } from './acl-view.ts';
import type { Session } from './auth.ts';

/** requireOperator, and an audit entry (ok: false) when it refuses: who tried, what, and why. */
export function requireOperatorAudited(req: Request, db: ConsoleDb, action: string, target: string): Session {
  try {
    return requireOperator(req, db);
  } catch (err) {
    if (err instanceof HttpError || (err as Error).name === 'HttpError') {
      const who = currentSession(req, db)?.username ?? 'anonymous';
      recordAudit(db, { username: who, action, target, params: {}, ok: false, result: { error: (err as Error).message, refused: (err as HttpError).status } });
    }
    throw err;
  }
}

export function writeAnswer(result: AclWriteResult, okStatus = 200): Response {
  if (result.done.length === 0 && result.errors.length > 0) {
    return json({ error: result.errors.map((e) => `${e.brokerName} (${e.brokerAddr}): ${e.error}`).join('; '), result }, 502);
  }
  return json({ result }, okStatus);
}
