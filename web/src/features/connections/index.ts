export { ConnectionsPage } from './components/ConnectionsPage';
export { ConnectionPicker } from './components/ConnectionPicker';
export { OptionsSelect } from './components/OptionsSelect';
export { useConnectionsStore } from './store';
