type BodyEncoding = 'json' | 'form' | 'multipart';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface RequestOptions {
  token?: string;
  encoding?: BodyEncoding;
  headers?: Record<string, string>;
}

function encode(body: Record<string, unknown>, encoding: BodyEncoding): { payload: string | FormData; type?: string } {
  if (encoding === 'json') return { payload: JSON.stringify(body), type: 'application/json' };
  const entries = Object.entries(body).map(([key, value]): [string, string] => [key, String(value)]);
  if (encoding === 'form') return { payload: new URLSearchParams(entries).toString(), type: 'application/x-www-form-urlencoded' };
  const form = new FormData();
  for (const [key, value] of entries) form.append(key, value);
  return { payload: form }; // fetch sets the multipart boundary itself
}

/** A REST client as an integrator's script would be: fetch, a path, a body. */
export function restClient(baseUrl: string) {
  async function request<T = any>(
    method: string,
    path: string,
    /** Fields encoded as `options.encoding` says, or a multipart form with files, sent as it is. */
    body?: Record<string, unknown> | FormData,
    options: RequestOptions = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let payload: string | FormData | undefined;
    if (body instanceof FormData)
      payload = body; // fetch sets the multipart boundary itself
    else if (body !== undefined) {
      const encoded = encode(body, options.encoding ?? 'json');
      payload = encoded.payload;
      if (encoded.type) headers['content-type'] ??= encoded.type;
    }
    const response = await fetch(new URL(path, baseUrl), { method, headers, body: payload });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: the test sees the text
    }
    return { status: response.status, headers: response.headers, body: parsed as T };
  }
  return {
    request,
    get: <T = any>(path: string, options?: RequestOptions) => request<T>('GET', path, undefined, options),
    post: <T = any>(path: string, body: Record<string, unknown> = {}, options?: RequestOptions) => request<T>('POST', path, body, options),
  };
}

export type RestClient = ReturnType<typeof restClient>;

/** The claims of a JWT, read without checking its signature. */
export function decodeJwt(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
}
