export * from './common';
export { startFakeGoogle } from './google/server';
export type {
  FakeGoogle,
  FakeGoogleOptions,
  GoogleFailureOptions,
  IncomingEmail,
  IssuedGoogleToken,
} from './google/server';
export type { GoogleAccount, GoogleAccountSeed, GoogleClientSeed } from './google/oauth-store';
export type { GmailMessageSummary } from './google/gmail';
export type { CalendarEvent } from './google/calendar';
