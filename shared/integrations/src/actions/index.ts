import type { NodeType } from '@flowgenie/workflow';
import { calendarCreateEventNode, calendarListEventsNode } from './calendar';
import { gmailSearchNode, gmailSendNode } from './gmail';
import { slackListChannelsNode, slackPostMessageNode } from './slack';

export * from './calendar';
export * from './fields';
export * from './gmail';
export * from './provider';
export * from './slack';
export * from './step-connections';

/** The action node types of the integrations, in palette order. */
export const actionNodeTypes: readonly NodeType[] = [
  gmailSendNode,
  gmailSearchNode,
  slackPostMessageNode,
  slackListChannelsNode,
  calendarCreateEventNode,
  calendarListEventsNode,
];
