// Typed RocketMQ custom headers: spec machinery (decodeHeader/encodeHeader/HeaderError) and every header class.
export * from './headers/spec.ts';
export * from './headers/message.ts';
export * from './headers/consumer.ts';
export * from './headers/admin.ts';
export * from './headers/namesrv.ts';
export * from './headers/pop.ts';
export * from './headers/by-code.ts';
