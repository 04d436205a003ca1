'use client';
// A refused or failed access-control write, in the server's words.

import { errorMessage } from '@/components/api/client';

export function WriteError({ error }: { error: Error | null }) {
  return error ? <p role="alert" data-testid="acl-write-error" className="text-sm text-red-600">{errorMessage(error)}</p> : null;
}
