import { createContext, useContext } from 'react';
import type { ExpressionData } from '../../lib/expressions';
import type { Suggestion } from './suggestions';

/** What expression fields of the selected node can see: autocomplete paths and preview data. */
export interface ExpressionContextValue {
  suggestions: Suggestion[];
  /** Pinned data, else the last run's (or a sample); null when there is none yet. */
  data: ExpressionData | null;
  /** Where the data came from, shown under previews. */
  dataSource: string | null;
  /** The data a field can use, by source (the trigger, each upstream step), for the Input view. */
  groups?: Array<{ root: string; label: string; fromRun: boolean; pinned?: boolean }>;
}

export const EMPTY_EXPRESSION_CONTEXT: ExpressionContextValue = {
  suggestions: [],
  data: null,
  dataSource: null,
};

export const ExpressionContext = createContext<ExpressionContextValue>(EMPTY_EXPRESSION_CONTEXT);

export function useExpressionContextValue(): ExpressionContextValue {
  return useContext(ExpressionContext);
}
