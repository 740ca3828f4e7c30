export * from './types';
export * from './kinds';
export * from './ids';
export * from './serialise';
export * from './layout';
export * from './topology';
export * from './validation';
