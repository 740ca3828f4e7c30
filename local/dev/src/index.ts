export * from './certs';
export * from './infra';
export * from './stack';
export { summarise, type ProcessExit } from './processes';
export { ensureWebBuilt, type WebBuildResult } from './web';
export * from './checkout';
export * from './fakes';
