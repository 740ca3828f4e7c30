import { Agent, fetch } from 'undici';

/** Answers are JSON that the tests read field by field and check with expect(). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyJson = any;

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  /** Sent as is (not JSON-encoded). */
  rawBody?: string | Buffer;
  headers?: Record<string, string>;
}

/** A small client for the gateway over HTTPS, trusting the dev CA. */
export class GatewayClient {
  constructor(
    readonly baseUrl: string,
    readonly dispatcher: Agent,
  ) {}

  async request<T = AnyJson>(
    method: string,
    path: string,
    opts: RequestOptions = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | Buffer | undefined;
    if (opts.rawBody !== undefined) body = opts.rawBody;
    else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body,
      dispatcher: this.dispatcher,
    });
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    return { status: res.status, headers: res.headers as unknown as Headers, body: parsed as T };
  }

  get = <T = AnyJson>(path: string, opts?: RequestOptions) => this.request<T>('GET', path, opts);
  post = <T = AnyJson>(path: string, opts?: RequestOptions) => this.request<T>('POST', path, opts);
  put = <T = AnyJson>(path: string, opts?: RequestOptions) => this.request<T>('PUT', path, opts);
  delete = <T = AnyJson>(path: string, opts?: RequestOptions) =>
    this.request<T>('DELETE', path, opts);
}

/** A signed-up user whose access token is refreshed shortly before it expires. */
export class Session {
  private obtainedAt = Date.now();
  private refreshing?: Promise<void>;

  constructor(
    private readonly client: GatewayClient,
    readonly userId: string,
    readonly email: string,
    private accessToken: string,
    private refreshToken: string,
    private expiresIn: number,
  ) {}

  static async signUp(
    client: GatewayClient,
    email: string,
    password = 'correct horse battery staple',
  ): Promise<Session> {
    const res = await client.post('/api/auth/signup', { body: { email, password } });
    if (res.status !== 201)
      throw new Error(`signup failed: ${res.status} ${JSON.stringify(res.body)}`);
    const b = res.body;
    return new Session(client, b.user.id, b.user.email, b.accessToken, b.refreshToken, b.expiresIn);
  }

  /** The current access token as it was issued (for tests that keep one aside). */
  get rawAccessToken(): string {
    return this.accessToken;
  }

  async token(): Promise<string> {
    const ageS = (Date.now() - this.obtainedAt) / 1000;
    if (ageS > this.expiresIn - 10) {
      this.refreshing ??= this.refresh().finally(() => (this.refreshing = undefined));
      await this.refreshing;
    }
    return this.accessToken;
  }

  private async refresh(): Promise<void> {
    const res = await this.client.post('/api/auth/refresh', {
      body: { refreshToken: this.refreshToken },
    });
    if (res.status !== 200)
      throw new Error(`refresh failed: ${res.status} ${JSON.stringify(res.body)}`);
    this.accessToken = res.body.accessToken;
    this.refreshToken = res.body.refreshToken;
    this.expiresIn = res.body.expiresIn;
    this.obtainedAt = Date.now();
  }

  async get<T = AnyJson>(path: string, opts: RequestOptions = {}) {
    return this.client.get<T>(path, { ...opts, token: await this.token() });
  }
  async post<T = AnyJson>(path: string, opts: RequestOptions = {}) {
    return this.client.post<T>(path, { ...opts, token: await this.token() });
  }
  async put<T = AnyJson>(path: string, opts: RequestOptions = {}) {
    return this.client.put<T>(path, { ...opts, token: await this.token() });
  }
  async delete<T = AnyJson>(path: string, opts: RequestOptions = {}) {
    return this.client.delete<T>(path, { ...opts, token: await this.token() });
  }
}
