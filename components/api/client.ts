// Browser-side fetch of the console API: JSON in and out, the chosen cluster as a header, `{error}` answers as ApiError.

/** Header naming the saved cluster a request is about (the server defaults to its first saved cluster). */
export const CLUSTER_HEADER = 'x-rocketdeck-cluster';

/** A non-2xx answer of the console API, carrying the server's own `{ error }` text. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly path: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get isAuth(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  const s = qs.toString();
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path;
}

/** Path segment for a topic, group or broker name (topics such as %RETRY%g hold '%'). */
export const seg = (s: string): string => encodeURIComponent(s);

async function errorText(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: unknown };
    if (typeof body.error === 'string' && body.error) return body.error;
  } catch {
    // not JSON: fall through to the raw text
  }
  const trimmed = text.trim();
  if (trimmed && trimmed.length < 300 && !trimmed.startsWith('<')) return trimmed;
  return `${res.status} ${res.statusText || 'error'}`;
}

export interface FetchInit {
  method?: string;
  body?: unknown;
  query?: Query;
  signal?: AbortSignal;
  /** Saved cluster the request is about; absent: the server's default. */
  cluster?: string;
}

export async function apiFetch<T>(path: string, init: FetchInit = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.cluster) headers[CLUSTER_HEADER] = init.cluster;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  const url = withQuery(path, init.query);
  try {
    res = await fetch(url, {
      method: init.method ?? 'GET',
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: init.signal,
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(`console server unreachable: ${(err as Error).message}`, 0, path);
  }
  if (!res.ok) throw new ApiError(await errorText(res), res.status, path);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Human text of whatever a query or mutation failed with. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 401) return `Sign in required: ${err.message}`;
    if (err.status === 403) return `Not allowed: ${err.message}`;
    return err.message;
  }
  if (err instanceof Error) return err.message;
  return String(err);
}
