import {
  CalendarEventConfigSchema,
  GmailNewMessageConfigSchema,
  SlackEventConfigSchema,
  type CalendarEventConfig,
  type GmailNewMessageConfig,
  type SlackEventConfig,
} from '@flowgenie/integrations/triggers';
import { TriggerMisconfiguredError } from '../domain/errors';
import { CALENDAR_TRIGGER, GMAIL_TRIGGER, SLACK_TRIGGER } from '../domain/integration-trigger';

export type { CalendarEventConfig, GmailNewMessageConfig, SlackEventConfig };
export type IntegrationSettings =
  | { type: typeof GMAIL_TRIGGER; settings: GmailNewMessageConfig }
  | { type: typeof CALENDAR_TRIGGER; settings: CalendarEventConfig }
  | { type: typeof SLACK_TRIGGER; settings: SlackEventConfig };

const SCHEMAS = {
  [GMAIL_TRIGGER]: GmailNewMessageConfigSchema,
  [CALENDAR_TRIGGER]: CalendarEventConfigSchema,
  [SLACK_TRIGGER]: SlackEventConfigSchema,
} as const;

/**
 * An integration trigger node's settings, read with its node type's own schema (defaults applied).
 * @throws TriggerMisconfiguredError naming each bad field.
 */
export function integrationSettings(
  type: string,
  config: Record<string, unknown>,
): IntegrationSettings {
  const schema = SCHEMAS[type as keyof typeof SCHEMAS];
  if (!schema) throw new TriggerMisconfiguredError(`"${type}" is not an integration trigger`);
  const parsed = schema.safeParse(config);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `${i.path.map(String).join('.') || '(config)'}: ${i.message}`)
      .join('; ');
    throw new TriggerMisconfiguredError(`${type} trigger config is invalid: ${problems}`);
  }
  return { type, settings: parsed.data } as IntegrationSettings;
}

/** Minutes between polls of a polling trigger (undefined for Slack). */
export function pollIntervalMinutes(s: IntegrationSettings): number | undefined {
  return s.type === SLACK_TRIGGER ? undefined : s.settings.pollIntervalMinutes;
}
