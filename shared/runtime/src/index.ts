export * from './service';
export * from './host';
