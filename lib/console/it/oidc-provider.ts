// A real OpenID Connect provider for the console's tests (`oidc-provider`, with its own login and consent pages),
// on a free 127.0.0.1 port, with one confidential client registered for a console and accounts whose `groups`
// claim the console maps to roles. The dev login page accepts any password: the account is chosen by the login.
import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
// @ts-expect-error oidc-provider ships no type declarations
import Provider from 'oidc-provider';
import { freePort } from '../../common/free-port.ts';

export interface TestAccount {
  email: string;
  groups: string[];
}

export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  stop(): Promise<void>;
}

/** Starts the provider for a console whose callback is `redirectUri`; `accounts` by login name. */
export async function startTestOidcProvider(redirectUris: string[], accounts: Record<string, TestAccount>): Promise<TestOidcProvider> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const clientId = 'rocketdeck-console';
  const clientSecret = randomBytes(24).toString('base64url');
  const provider = new Provider(issuer, {
    clients: [{
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: redirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
    }],
    // the console's default scopes: openid email profile; the role claim rides with the profile scope
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups'] },
    pkce: { required: () => true },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    async findAccount(_ctx: unknown, id: string) {
      const a = accounts[id];
      if (!a) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, email: a.email, email_verified: true, name: id, groups: a.groups }) };
    },
  });
  // the dev pages warn once at start that they are for development: expected here
  provider.on?.('server_error', (_ctx: unknown, err: Error) => process.stderr.write(`oidc-provider server_error: ${err.message}\n`));
  const server: Server = createServer(provider.callback());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    issuer,
    clientId,
    clientSecret,
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** Cookies of one host, as a browser keeps them (name → value; expiry and paths are not needed here). */
class CookieJar {
  private readonly jar = new Map<string, string>();

  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i).trim();
      const value = pair!.slice(i + 1).trim();
      if (value === '' || /max-age=0/i.test(line) || /expires=Thu, 01 Jan 1970/i.test(line)) this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }

  header(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/**
 * Walks the provider's pages as a browser would, from the authorization URL the console sent the browser to: the
 * login form (any password), then the consent form, until the provider sends the browser back to the console.
 * Returns the callback URL (with code and state, or with an error).
 */
export async function walkProviderPages(authorizationUrl: string, login: string, consoleOrigin: string): Promise<URL> {
  const jar = new CookieJar();
  let next = new URL(authorizationUrl);
  let form: URLSearchParams | undefined;
  for (let step = 0; step < 12; step++) {
    if (next.origin === consoleOrigin) return next;
    const res = await fetch(next, {
      method: form ? 'POST' : 'GET',
      headers: { cookie: jar.header(), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      body: form?.toString(),
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
    });
    jar.take(res);
    form = undefined;
    const location = res.headers.get('location');
    if (location) {
      next = new URL(location, next);
      continue;
    }
    const html = await res.text();
    const action = /<form[^>]*action="([^"]+)"[^>]*method="post"/.exec(html)?.[1];
    const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
    if (res.status !== 200 || !action || !prompt) throw new Error(`provider page ${next.href} answered ${res.status} without a form: ${html.slice(0, 300)}`);
    next = new URL(action.replace(/&amp;/g, '&'), next);
    form = new URLSearchParams(prompt === 'login' ? { prompt, login, password: 'any' } : { prompt });
  }
  throw new Error('the provider did not send the browser back to the console within 12 steps');
}
