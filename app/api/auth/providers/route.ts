// GET /api/auth/providers: how one can sign in (the password form always; an OpenID Connect provider when set up).
import { api, json } from '@/lib/console/http.ts';
import { oidcConfig } from '@/lib/console/oidc-http.ts';
import type { ProvidersResponse } from '@/lib/console/api-types.ts';

export const dynamic = 'force-dynamic';

export const GET = api(() => {
  const cfg = oidcConfig();
  return json({ password: true, oidc: cfg ? { name: cfg.name, startUrl: '/api/auth/oidc/start' } : null } satisfies ProvidersResponse);
});
