import {
  listNodeTypes as registeredNodeTypes,
  type NodeTypeDescription,
} from '@flowgenie/workflow';

/** Every node type the builder can place, with the JSON Schema of its config form. */
export function listNodeTypes() {
  return async (): Promise<NodeTypeDescription[]> => registeredNodeTypes();
}
