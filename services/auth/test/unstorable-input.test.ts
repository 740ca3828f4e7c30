import {
  countRows,
  expectUnstorableRefused,
  routesWithBody,
  unstorableBodies,
} from '@flowgenie/testing';
import { AUTH_SCHEMA } from '../src/config';
import { anEmail, call, PASSWORD, signUp, startAuth, type TestAuth } from './support';

jest.setTimeout(60_000);

let auth: TestAuth;
let token: string;
let refreshToken: string;
beforeAll(async () => {
  auth = await startAuth('unstorable');
  ({ accessToken: token, refreshToken } = await signUp(auth.url));
});
afterAll(() => auth?.stop());

/** Every auth route that takes a JSON body, with a valid body and the string field to spoil. */
const ROUTES: Record<
  string,
  { body: () => Record<string, unknown>; field: string; authed?: boolean }
> = {
  'POST /auth/signup': { body: () => ({ email: anEmail(), password: PASSWORD }), field: 'email' },
  'POST /auth/login': { body: () => ({ email: anEmail(), password: PASSWORD }), field: 'password' },
  'POST /auth/refresh': { body: () => ({ refreshToken }), field: 'refreshToken' },
  'POST /auth/logout': { body: () => ({ refreshToken }), field: 'refreshToken', authed: true },
  'POST /auth/api-keys': { body: () => ({ name: 'deploy script' }), field: 'name', authed: true },
  'POST /auth/token': { body: () => ({ apiKey: 'fgk_not_a_real_key' }), field: 'apiKey' },
  'POST /auth/google/link': {
    body: () => ({ linkToken: 'a-link-token' }),
    field: 'linkToken',
    authed: true,
  },
  'POST /connections/': {
    body: () => ({ provider: 'http_bearer', name: 'x', token: 'y' }),
    field: 'name',
    authed: true,
  },
  'POST /connections/oauth/start': {
    body: () => ({ provider: 'google', name: 'x' }),
    field: 'name',
    authed: true,
  },
  // Refused before the service token is looked at: the guard runs ahead of every route.
  'POST /internal/connections/:id/access': {
    body: () => ({ ownerId: '00000000-0000-4000-8000-000000000000' }),
    field: 'ownerId',
  },
  'POST /internal/connections/check': {
    body: () => ({ ownerId: '00000000-0000-4000-8000-000000000000', items: [] }),
    field: 'ownerId',
  },
  'POST /internal/connections/:id/report': {
    body: () => ({
      ownerId: '00000000-0000-4000-8000-000000000000',
      status: 'revoked',
      reason: 'x',
    }),
    field: 'reason',
  },
};

it('the table names every auth route that takes a body', () => {
  expect(Object.keys(ROUTES).sort()).toEqual(routesWithBody(auth.service.app));
});

const cases = Object.entries(ROUTES).flatMap(([route, spec]) =>
  unstorableBodies(spec.body(), spec.field).map(
    ({ label, text }) => [route, label, text, spec.authed ?? false] as const,
  ),
);

it.each(cases)(
  '%s with %s is 400 with a located message and stores nothing',
  async (route, _label, text, authed) => {
    const [method, path] = route.split(' ');
    const before = await countRows(auth.config.DATABASE_URL, AUTH_SCHEMA);
    const answer = await call(auth.url, method, path, {
      rawBody: text,
      token: authed ? token : undefined,
    });
    expectUnstorableRefused(answer.status, answer.body);
    expect(await countRows(auth.config.DATABASE_URL, AUTH_SCHEMA)).toEqual(before);
  },
);
