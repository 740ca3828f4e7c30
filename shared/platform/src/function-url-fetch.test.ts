import { createHash, createHmac } from 'node:crypto';
import { functionUrlFetch, functionUrlRegion } from './function-url-fetch';
import { SERVICE_TOKEN_HEADER } from './service-token';

const CREDENTIALS = {
  accessKeyId: 'ASIAEXAMPLEEXAMPLE01',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  sessionToken: 'session-token-of-the-lambda-role',
};
const URL_BASE = 'https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.eu-west-1.on.aws';
const AT = new Date('2026-12-01T13:30:00Z');
const TOKEN = 'internal-service-token-for-signing-tests-0123456789abcdef';

interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
}

/** A fetch that records what would have gone over the wire and answers 200. */
function recorder() {
  const sent: Sent[] = [];
  const fetchStub: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const headers: Record<string, string> = {};
    request.headers.forEach((v, k) => {
      headers[k] = v;
    });
    sent.push({
      url: request.url,
      method: request.method,
      headers,
      body: request.body ? await request.text() : '',
    });
    return new Response('{}', { status: 200 });
  };
  return { sent, fetch: fetchStub };
}

const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) =>
  createHmac('sha256', key).update(data).digest();

/**
 * AWS's SigV4 check written out from the specification (not the SDK's signer): rebuilds the
 * canonical request from what was sent plus the Host the URL implies, and the signature from the
 * secret key. Returns the parsed Authorization so the test can look at its scope.
 */
function verifySigV4(req: Sent, secretAccessKey: string) {
  const auth =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
      req.headers.authorization ?? '',
    );
  if (!auth) throw new Error(`not a SigV4 Authorization: ${req.headers.authorization}`);
  const [, accessKeyId, date, region, service, signedHeaders, signature] = auth;
  const url = new URL(req.url);
  const headers: Record<string, string> = { ...req.headers, host: url.host };
  const names = signedHeaders.split(';');
  const canonicalQuery = [...url.searchParams]
    .map(([k, v]) => [encodeURIComponent(k), encodeURIComponent(v)])
    .sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalRequest = [
    req.method,
    url.pathname,
    canonicalQuery,
    names.map((n) => `${n}:${(headers[n] ?? '').trim()}\n`).join(''),
    signedHeaders,
    sha256(req.body),
  ].join('\n');
  const amzDate = headers['x-amz-date'];
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const key = hmac(
    hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service),
    'aws4_request',
  );
  const expected = createHmac('sha256', key).update(stringToSign).digest('hex');
  return { accessKeyId, date, region, service, names, valid: expected === signature };
}

describe('functionUrlFetch', () => {
  it('signs a call to a function URL with SigV4 for lambda in the URL’s region, the token moved to its own header', async () => {
    const wire = recorder();
    const internalFetch = functionUrlFetch({
      credentials: async () => CREDENTIALS,
      fetch: wire.fetch,
      now: () => AT,
    });
    const body = JSON.stringify({ ownerId: 'o-1', workflowIds: ['w-1', 'w-2'] });

    const res = await internalFetch(`${URL_BASE}/internal/executions/latest?b=2&a=1`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body,
    });

    expect(res.status).toBe(200);
    const [req] = wire.sent;
    expect(req.url).toBe(`${URL_BASE}/internal/executions/latest?b=2&a=1`);
    expect(req.body).toBe(body);
    const check = verifySigV4(req, CREDENTIALS.secretAccessKey);
    expect(check).toMatchObject({
      valid: true,
      accessKeyId: CREDENTIALS.accessKeyId,
      date: '20261201',
      region: 'eu-west-1',
      service: 'lambda',
    });
    expect(req.headers['x-amz-date']).toBe('20261201T133000Z');
    // The role's session token is sent and signed; so are the host, the body's hash and the token.
    expect(req.headers['x-amz-security-token']).toBe(CREDENTIALS.sessionToken);
    expect(req.headers['x-amz-content-sha256']).toBe(sha256(body));
    expect(check.names).toEqual(
      expect.arrayContaining([
        'host',
        'x-amz-date',
        'x-amz-security-token',
        'x-amz-content-sha256',
        'content-type',
        SERVICE_TOKEN_HEADER,
      ]),
    );
    expect(req.headers[SERVICE_TOKEN_HEADER]).toBe(TOKEN);
    expect(req.headers.authorization).not.toContain(TOKEN);
  });

  it('gives a tampered body a signature that no longer verifies', async () => {
    const wire = recorder();
    const internalFetch = functionUrlFetch({
      credentials: async () => CREDENTIALS,
      fetch: wire.fetch,
    });
    await internalFetch(`${URL_BASE}/internal/connections/check`, {
      method: 'POST',
      body: '{"ownerId":"o-1"}',
    });
    const [req] = wire.sent;
    expect(verifySigV4(req, CREDENTIALS.secretAccessKey).valid).toBe(true);
    expect(
      verifySigV4({ ...req, body: '{"ownerId":"o-2"}' }, CREDENTIALS.secretAccessKey).valid,
    ).toBe(false);
    expect(verifySigV4(req, 'another-secret').valid).toBe(false);
  });

  it('signs with the role credentials Lambda puts in the environment when none are given', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'ASIALAMBDAROLE000001',
      AWS_SECRET_ACCESS_KEY: 'secret-of-the-lambda-role',
      AWS_SESSION_TOKEN: 'lambda-session',
    });
    try {
      const wire = recorder();
      await functionUrlFetch({ fetch: wire.fetch })(`${URL_BASE}/internal/workflows/w-1/run-spec`);
      const [req] = wire.sent;
      expect(verifySigV4(req, 'secret-of-the-lambda-role')).toMatchObject({
        valid: true,
        accessKeyId: 'ASIALAMBDAROLE000001',
      });
      expect(req.headers['x-amz-security-token']).toBe('lambda-session');
    } finally {
      process.env = saved;
    }
  });

  it('leaves a call to any other address as it was: plain HTTP with the bearer token, no credentials read', async () => {
    const wire = recorder();
    const credentials = jest.fn(async () => CREDENTIALS);
    const internalFetch = functionUrlFetch({ credentials, fetch: wire.fetch });

    await internalFetch('https://127.0.0.1:3004/internal/executions/latest', {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: '{}',
    });

    const [req] = wire.sent;
    expect(req.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(req.headers).not.toHaveProperty('x-amz-date');
    expect(req.headers).not.toHaveProperty(SERVICE_TOKEN_HEADER);
    expect(credentials).not.toHaveBeenCalled();
  });

  it('recognises function URL hosts only over HTTPS', () => {
    expect(functionUrlRegion(`${URL_BASE}/internal/x`)).toBe('eu-west-1');
    expect(functionUrlRegion('https://abc123.lambda-url.ap-southeast-2.on.aws')).toBe(
      'ap-southeast-2',
    );
    expect(functionUrlRegion('http://abc123.lambda-url.eu-west-1.on.aws/')).toBeUndefined();
    expect(
      functionUrlRegion('https://abc123.execute-api.eu-west-1.amazonaws.com/'),
    ).toBeUndefined();
    expect(functionUrlRegion('https://lambda-url.eu-west-1.on.aws.example.com/')).toBeUndefined();
  });
});
