/**
 * The workflow graph as the browser draws and edits it: framework-free shapes, drawing kinds,
 * ids, conversion to and from the API's WorkflowGraph, and layout. Shared by the flow canvas,
 * the editor and the execution viewer.
 */
export * from './types';
export * from './kinds';
export * from './ids';
export * from './serialise';
export * from './layout';
