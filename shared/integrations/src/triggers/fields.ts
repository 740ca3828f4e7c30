import {
  CONNECTION_FIELD_KEYWORD,
  OPTIONS_FIELD_KEYWORD,
  type ConnectionFieldAnnotation,
  type ConnectionOptionSource,
  type ConnectionProvider,
  type OptionsFieldAnnotation,
} from '@flowgenie/contracts';
import { z } from 'zod';

/** A node's `connectionId` field, annotated for the builder's connection picker. */
export function connectionField(
  providers: ConnectionProvider[],
  scopes: string[] | undefined,
  meta: { title: string; description: string },
) {
  const annotation: ConnectionFieldAnnotation = scopes ? { providers, scopes } : { providers };
  return z
    .uuid({ message: 'must be a connection id' })
    .meta({ ...meta, [CONNECTION_FIELD_KEYWORD]: annotation });
}

/** JSON Schema annotation of a field whose choices are loaded through the node's connection. */
export function optionsFrom(source: ConnectionOptionSource): Record<string, unknown> {
  const annotation: OptionsFieldAnnotation = { source, connectionField: 'connectionId' };
  return { [OPTIONS_FIELD_KEYWORD]: annotation };
}

/** How often a polling trigger asks the provider, in minutes. */
export const pollIntervalField = z.number().int().min(1).max(1440).default(1).meta({
  title: 'Check every (minutes)',
  description: 'How often the provider is asked for new items (1 to 1440 minutes).',
});

/** Trigger nodes pass the payload the trigger service put in `workflow.triggered` through. */
export const passTrigger = async (ctx: { input: { trigger?: unknown } }) => ({
  output: ctx.input.trigger,
});
