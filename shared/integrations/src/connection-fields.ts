import { z } from 'zod';
import {
  CONNECTION_FIELD_KEYWORD,
  OPTIONS_FIELD_KEYWORD,
  type ConnectionFieldAnnotation,
  type ConnectionOptionSource,
  type ConnectionProvider,
  type OptionsFieldAnnotation,
} from '@flowgenie/contracts';

/**
 * The `connectionId` field of an integration node (action or trigger): a picker of the user's
 * connections of `providers`, holding `scopes` when given.
 */
export function connectionField(
  providers: ConnectionProvider[],
  scopes?: string[],
  meta: { title: string; description: string } = {
    title: 'Connection',
    description: `The ${providers.join(' or ')} connection this step acts as.`,
  },
) {
  const annotation: ConnectionFieldAnnotation = { providers, ...(scopes ? { scopes } : {}) };
  return z
    .uuid({ error: 'choose a connection' })
    .meta({ ...meta, [CONNECTION_FIELD_KEYWORD]: annotation });
}

/** Marks a field whose value the builder picks from a list loaded through the node's connection. */
export function optionsMeta(source: ConnectionOptionSource): Record<string, unknown> {
  const annotation: OptionsFieldAnnotation = { source, connectionField: 'connectionId' };
  return { [OPTIONS_FIELD_KEYWORD]: annotation };
}
