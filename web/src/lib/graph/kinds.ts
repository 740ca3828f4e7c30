import type { KindInfo, NodeKind } from './types';

const KNOWN_TRIGGERS = new Set([
  'webhook',
  'schedule',
  'manual',
  'gmail_new_message',
  'calendar_event',
  'slack_event',
]);

/** Draw a node as trigger / branch / action from its catalog entry (or its name if not loaded). */
export function kindFor(nodeType: string, info?: KindInfo): NodeKind {
  if (info?.category === 'trigger' || (!info && KNOWN_TRIGGERS.has(nodeType))) return 'trigger';
  if ((info?.outputs?.length ?? 0) > 1 || (!info && nodeType === 'if')) return 'branch';
  return 'action';
}

/** Output handles of a node type: its catalog `outputs`, else `['main']`. */
export function outputsFor(nodeType: string, info?: KindInfo): readonly string[] {
  if (info?.outputs && info.outputs.length > 0) return info.outputs;
  if (!info && nodeType === 'if') return ['true', 'false'];
  return ['main'];
}
