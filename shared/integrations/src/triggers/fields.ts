import { z } from 'zod';

export { connectionField, optionsMeta } from '../connection-fields';

/** How often a polling trigger asks the provider, in minutes. */
export const pollIntervalField = z.number().int().min(1).max(1440).default(1).meta({
  title: 'Check every (minutes)',
  description: 'How often the provider is asked for new items (1 to 1440 minutes).',
});

/** Trigger nodes pass the payload the trigger service put in `workflow.triggered` through. */
export const passTrigger = async (ctx: { input: { trigger?: unknown } }) => ({
  output: ctx.input.trigger,
});
