export { AccountMenu } from './components/AccountMenu';
export { ApiKeysPage } from './components/ApiKeysPage';
