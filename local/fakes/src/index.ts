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
export { startFakeSlack } from './slack/server';
export type { FakeSlack, FakeSlackOptions, SlackEventDelivery } from './slack/server';
export type {
  SlackAppSeed,
  SlackChannelSeed,
  SlackMessage,
  SlackTeam,
  SlackUserSeed,
} from './slack/web-api';
export {
  postSignedToSlackApp,
  slackSignature,
  type SignedDeliveryOptions,
  type SlackDelivery,
} from './slack/events';
export { FAKE_DEFAULTS } from './defaults';
export {
  startFakeEventBridge,
  type FakeEventBridge,
  type FakeEventBridgeOptions,
  type FakeEventRule,
} from './aws/eventbridge';
export {
  startFakeScheduler,
  type FakeScheduler,
  type FakeSchedule,
  type FakeSchedulerOptions,
} from './aws/scheduler';
export { matchesEventPattern, UnsupportedPatternError, type BusEvent } from './aws/event-pattern';
export { startFakeS3, type FakeS3 } from './aws/s3';
export { startFakeKms, type FakeKms, type FakeKmsOptions } from './aws/kms';
export {
  startFakeSecretsManager,
  type FakeSecretsManager,
  type FakeSecretsManagerOptions,
} from './aws/secrets-manager';
