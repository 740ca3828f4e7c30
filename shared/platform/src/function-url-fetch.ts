import type { SignatureV4 } from '@smithy/signature-v4';
import { SERVICE_TOKEN_HEADER } from './service-token';

/** AWS credentials as the SDK's providers resolve them. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

const FUNCTION_URL_HOST = /^[a-z0-9]+\.lambda-url\.([a-z0-9-]+)\.on\.aws$/;

/**
 * The region of a Lambda function URL (`https://<url-id>.lambda-url.<region>.on.aws/...`), or
 * undefined for any other address (the local stack's loopback URLs).
 */
export function functionUrlRegion(url: string | URL): string | undefined {
  const { protocol, hostname } = typeof url === 'string' ? new URL(url) : url;
  if (protocol !== 'https:') return undefined;
  return FUNCTION_URL_HOST.exec(hostname)?.[1];
}

export interface FunctionUrlFetchOptions {
  /** @default the SDK's default chain (Lambda's and ECS's role credentials), loaded when first needed */
  credentials?: () => Promise<AwsCredentials>;
  /** Where the signed request goes. @default global fetch */
  fetch?: typeof fetch;
  /** Tests: the signing time. @default now */
  now?: () => Date;
}

/**
 * A `fetch` for the services' `/internal` calls. A request to a Lambda function URL is signed with
 * SigV4 (service `lambda`, the URL's region) with the process's own role credentials, as
 * `authType: AWS_IAM` requires; a bearer `Authorization` it carried (the internal service token)
 * moves to `x-flowgenie-service-token`, so the token still guards the route as a second layer.
 * Any other address (the local stack's) gets the request unchanged: plain HTTP(S) with the bearer.
 *
 * @example
 * const lastExecutions = httpLastExecutions(config, { fetch: functionUrlFetch() });
 */
export function functionUrlFetch(opts: FunctionUrlFetchOptions = {}): typeof fetch {
  const send = opts.fetch ?? fetch;
  let credentials = opts.credentials;
  const credentialsOf = async (): Promise<AwsCredentials> => {
    if (!credentials) {
      const { defaultProvider } = await import('@aws-sdk/credential-provider-node');
      // Memoized by the SDK: refreshed shortly before the role's credentials expire.
      credentials = defaultProvider();
    }
    return credentials();
  };
  // Loaded at the first function URL call: the local stack never needs the signer.
  const signers = new Map<string, Promise<SignatureV4>>();
  const signerFor = (region: string) => {
    let signer = signers.get(region);
    if (!signer) {
      signer = Promise.all([import('@smithy/signature-v4'), import('@smithy/core/checksum')]).then(
        ([{ SignatureV4 }, { Sha256 }]) =>
          new SignatureV4({
            service: 'lambda',
            region,
            credentials: credentialsOf,
            sha256: Sha256,
          }),
      );
      signers.set(region, signer);
    }
    return signer;
  };

  return async (input, init) => {
    const url = new URL(
      typeof input === 'string' ? input : input instanceof URL ? input.href : input.url,
    );
    const region = functionUrlRegion(url);
    if (!region) return send(input, init);
    const request = new Request(input, init);

    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const bearer = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1];
    delete headers.authorization;
    if (bearer) headers[SERVICE_TOKEN_HEADER] = bearer;
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    const query: Record<string, string | string[]> = {};
    for (const [name, value] of url.searchParams) {
      const had = query[name];
      query[name] = had === undefined ? value : [had, value].flat();
    }
    const signed = await (
      await signerFor(region)
    ).sign(
      {
        method: request.method,
        protocol: url.protocol,
        hostname: url.hostname,
        path: url.pathname,
        query,
        headers: { ...headers, host: url.host },
        body,
      },
      { signingDate: opts.now?.() },
    );
    // fetch sets Host from the URL itself (the same value that was signed).
    const { host: _host, ...sent } = signed.headers;
    return send(url, {
      method: request.method,
      headers: sent,
      body,
      signal: init?.signal ?? undefined,
    });
  };
}
