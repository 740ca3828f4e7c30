import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { JsonSchema } from '../../../lib/api-types';
import type { ExpressionData } from '../../../lib/expressions';
import { useExecutionStore } from '../../executions';
import { useNodeTypesStore } from '../../node-types';
import {
  buildSuggestions,
  EXECUTION_SOURCE,
  type DataSource,
  type ExpressionContextValue,
} from '../../../components/expression-input';
import { inferOutputSchema } from '../../../lib/output-schema';
import { upstreamOf } from '../graph';
import { useEditorStore } from '../store';

/**
 * Autocomplete sources, the Input view and preview data for one node's fields: the trigger and
 * the steps that can run before it, with their pinned data, else the last run's values, else their
 * output schemas (the node type's, or one read from the config: a transform's output keys, a
 * manual trigger's sample).
 */
export function useExpressionContext(nodeId: string | null): ExpressionContextValue {
  const edges = useEditorStore((s) => s.edges);
  const nodeInfo = useEditorStore(
    useShallow((s) =>
      s.nodes.map(
        (n) => `${n.id}\u0000${n.type}\u0000${n.data.nodeType}\u0000${n.data.name ?? ''}`,
      ),
    ),
  );
  const triggerSample = useEditorStore(
    (s) =>
      s.nodes.find((n) => n.type === 'trigger' && n.data.nodeType === 'manual')?.data.config
        .samplePayload,
  );
  // Configs whose shape tells a step's output (transform, manual trigger), as stable strings.
  const shapeConfigs = useEditorStore(
    useShallow((s) =>
      s.nodes
        .filter((n) => n.data.nodeType === 'transform' || n.data.nodeType === 'manual')
        .map((n) => `${n.id}\u0000${JSON.stringify(n.data.config)}`),
    ),
  );
  // Pinned data (a step's pin, a webhook's captured sample): what "Run this step" and test runs
  // use instead of running the step, so the Input view and previews show it too.
  // Id, data, id, data…: the pins as the store holds them (an edit elsewhere keeps their
  // references), so nothing is serialised on every keystroke.
  const pinnedPairs = useEditorStore(
    useShallow((s) =>
      s.nodes.flatMap((n) => (n.data.pinnedData === undefined ? [] : [n.id, n.data.pinnedData])),
    ),
  );
  const execution = useExecutionStore((s) => s.execution);
  const byType = useNodeTypesStore((s) => s.byType);

  return useMemo(() => {
    const nodes = nodeInfo.map((line) => {
      const [id, kind, nodeType, name] = line.split('\u0000');
      return { id, kind, nodeType, name };
    });
    const steps = Object.fromEntries((execution?.steps ?? []).map((s) => [s.nodeId, s]));
    const inferred = new Map<string, JsonSchema | undefined>();
    for (const line of shapeConfigs) {
      const [id, json] = line.split('\u0000');
      const n = nodes.find((x) => x.id === id);
      if (n) inferred.set(id, inferOutputSchema(n.nodeType, JSON.parse(json)));
    }
    const schemaOf = (id: string, nodeType: string) =>
      inferred.get(id) ?? byType[nodeType]?.outputSchema;
    const pinned = new Map<string, unknown>();
    for (let i = 0; i < pinnedPairs.length; i += 2)
      pinned.set(pinnedPairs[i] as string, pinnedPairs[i + 1]);
    // Where the values shown came from, in the words of the preview ("values: pinned data").
    const origins = new Set<string>();
    const pinnedIds = new Set<string>();
    const trigger = nodes.find((n) => n.kind === 'trigger');
    const triggerStep = trigger ? steps[trigger.id] : undefined;
    let triggerValue: unknown;
    let hasTrigger = false;
    if (trigger && pinned.has(trigger.id)) {
      triggerValue = pinned.get(trigger.id);
      hasTrigger = true;
      origins.add('pinned data');
      pinnedIds.add('trigger');
    } else if (
      execution &&
      (execution.triggerPayload !== undefined || triggerStep?.output !== undefined)
    ) {
      triggerValue =
        execution.triggerPayload !== undefined ? execution.triggerPayload : triggerStep?.output;
      hasTrigger = true;
      origins.add('last run');
    } else if (triggerSample !== undefined) {
      triggerValue = triggerSample;
      hasTrigger = true;
      origins.add('sample payload');
    }
    const sources: DataSource[] = [];
    if (trigger && trigger.id !== nodeId) {
      const t = byType[trigger.nodeType];
      sources.push({
        root: 'trigger',
        label: t?.displayName ?? trigger.nodeType,
        value: triggerValue,
        hasValue: hasTrigger,
        schema: schemaOf(trigger.id, trigger.nodeType),
      });
    }
    const upstream = nodeId ? upstreamOf(nodeId, edges) : [];
    const stepData: Record<string, unknown> = {};
    for (const s of execution?.steps ?? [])
      if (s.output !== undefined && s.output !== null) stepData[s.nodeId] = s.output;
    for (const [id, value] of pinned) if (id !== trigger?.id) stepData[id] = value;
    for (const id of upstream) {
      const n = nodes.find((x) => x.id === id);
      if (!n || n.kind === 'trigger') continue;
      const t = byType[n.nodeType];
      const step = steps[id];
      const isPinned = pinned.has(id);
      const ran = step !== undefined && step.status === 'succeeded' && step.output !== undefined;
      if (isPinned) {
        origins.add('pinned data');
        pinnedIds.add(`steps.${id}`);
      } else if (ran) origins.add('last run');
      sources.push({
        root: `steps.${id}`,
        label: `${n.name || t?.displayName || n.nodeType}`,
        value: isPinned ? pinned.get(id) : step?.output,
        hasValue: isPinned || ran,
        schema: schemaOf(id, n.nodeType),
      });
    }
    const dataSource = origins.size > 0 ? [...origins].join(' and ') : null;
    if (trigger && trigger.id !== nodeId) sources.push(EXECUTION_SOURCE);
    const data: ExpressionData | null =
      hasTrigger || Object.keys(stepData).length > 0
        ? {
            trigger: triggerValue,
            steps: stepData,
            // The run's id is known only from a run: a sample previews the step id alone.
            execution: { id: execution?.id ?? '', stepId: nodeId ?? '' },
          }
        : null;
    const groups = sources.map((src) => ({
      root: src.root,
      label: src.label ?? src.root,
      fromRun: src.hasValue,
      pinned: pinnedIds.has(src.root),
    }));
    return { suggestions: buildSuggestions(sources), data, dataSource, groups };
  }, [nodeInfo, shapeConfigs, pinnedPairs, edges, execution, byType, nodeId, triggerSample]);
}
