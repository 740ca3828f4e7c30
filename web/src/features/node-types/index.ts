export { useNodeTypesStore, kindOf, CATEGORY_LABELS } from './store';
