export * from './decide.js';
export * from './deck.js';
export * from './money.js';
export * from './numbers.js';
export * from './price-index.js';
export * from './snapshot.js';
export * from './windows.js';
