/** Emails are compared and stored trimmed and lower-cased, so `Ann@X.io ` and `ann@x.io` are one account. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export const EMAIL_MAX_LENGTH = 254;
