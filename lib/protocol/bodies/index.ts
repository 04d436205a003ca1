// Typed remoting bodies (fastjson JSON and Java properties text), decoded from and encoded to wire bytes.
export * from './read.ts';
export * from './route.ts';
export * from './topic.ts';
export * from './consumer.ts';
export * from './stats.ts';
export * from './offsets.ts';
export * from './running-info.ts';
export * from './subscription-group.ts';
export * from './properties.ts';
export * from './pop.ts';
export * from './v5-status.ts';
