export { AuthPage } from './components/AuthPage';
export { useSessionStore } from './session';
