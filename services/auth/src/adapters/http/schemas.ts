import { z } from 'zod';
import { KEY_MANAGEMENT_SCOPE, RESOURCE_SCOPES } from '@flowgenie/contracts';
import { EMAIL_MAX_LENGTH, normaliseEmail } from '../../domain/email';
import { passwordProblem } from '../../domain/password-policy';

/** A string field whose missing/wrong-type message reads well after the field name. */
const text = () =>
  z.string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') });

const email = text()
  .max(EMAIL_MAX_LENGTH * 2, 'is too long')
  .transform(normaliseEmail)
  .pipe(
    z
      .email({ message: 'must be an email address' })
      .max(EMAIL_MAX_LENGTH, `must be at most ${EMAIL_MAX_LENGTH} characters`),
  );

/** Where the refresh token goes: `browser` = only the httpOnly cookie, `api` = cookie and body. */
const client = z.enum(['api', 'browser'], { message: "must be 'api' or 'browser'" }).optional();

export const SignUpBody = z.object({
  email,
  password: text().superRefine((value, ctx) => {
    const problem = passwordProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
  client,
});

/** Sign-in does not apply the new-password policy (it may change); the bound keeps hashing cheap to refuse. */
export const LogInBody = z.object({
  email,
  password: text().min(1, 'is required').max(1024, 'is too long'),
  client,
});

const refreshToken = text().min(1, 'must not be empty').max(512, 'is too long');

export const RefreshBody = z.object({ refreshToken: refreshToken.optional(), client });

export const LogOutBody = z.object({ refreshToken: refreshToken.optional() });

const scopeList = RESOURCE_SCOPES.join(', ');

export const CreateApiKeyBody = z.object({
  name: text().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  scopes: z
    .array(
      z
        .string({ error: 'must be a string' })
        .refine((s) => (RESOURCE_SCOPES as readonly string[]).includes(s), {
          error: (issue) =>
            issue.input === KEY_MANAGEMENT_SCOPE
              ? `${KEY_MANAGEMENT_SCOPE} cannot be given to an API key (keys are managed from a signed-in session)`
              : `must be one of ${scopeList}`,
        }),
      { error: 'must be a list of scopes' },
    )
    .min(1, `must name at least one of ${scopeList}`)
    .transform((scopes) => scopes as (typeof RESOURCE_SCOPES)[number][])
    .optional(),
});

export const ExchangeApiKeyBody = z.object({
  apiKey: text().min(1, 'must not be empty').max(512, 'is too long'),
});
