export * from './database.js';
export * from './inject.js';
