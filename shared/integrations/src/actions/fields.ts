import { z } from 'zod';

export { connectionField, optionsMeta } from '../connection-fields';

const NO_LINE_BREAKS = /^[^\r\n]*$/;
/** A header value (subject, ids): line breaks would let a value add headers of its own. */
export const headerText = (max: number) =>
  z.string().max(max).regex(NO_LINE_BREAKS, 'must not contain line breaks');

// Deliberately simple: what a mail server would accept, not the whole of RFC 5322.
const ADDRESS =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const NAMED = /^\s*(?:"([^"\r\n]*)"|([^<>",\r\n]*?))\s*<([^<>\s]+)>\s*$/;

/** One mailbox: `a@b.example` or `Name <a@b.example>`; undefined when malformed. */
export function parseMailbox(value: string): { name?: string; address: string } | undefined {
  const trimmed = value.trim();
  if (ADDRESS.test(trimmed) && trimmed.length <= 254) return { address: trimmed };
  const m = NAMED.exec(trimmed);
  if (!m || !ADDRESS.test(m[3]) || m[3].length > 254) return undefined;
  const name = (m[1] ?? m[2] ?? '').trim();
  return name ? { name, address: m[3] } : { address: m[3] };
}

/** Splits a comma-separated address list (commas inside quoted names kept). */
export function splitAddresses(value: string): string[] {
  return (value.match(/(?:"[^"]*"|[^,])+/g) ?? []).map((s) => s.trim()).filter(Boolean);
}

/** A comma-separated list of email addresses, each checked. */
export const addressList = (title: string, description: string) =>
  z
    .string()
    .max(10_000)
    .superRefine((value, ctx) => {
      const parts = splitAddresses(value);
      if (parts.length === 0)
        ctx.addIssue({ code: 'custom', message: 'needs at least one email address' });
      for (const part of parts)
        if (!parseMailbox(part))
          ctx.addIssue({
            code: 'custom',
            message: `"${part.slice(0, 100)}" is not a valid email address`,
          });
      if (parts.length > 100) ctx.addIssue({ code: 'custom', message: 'at most 100 addresses' });
    })
    .meta({ title, description });
