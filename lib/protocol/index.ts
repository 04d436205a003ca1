// The protocol room's public surface: codes and constants, fastjson, typed headers and bodies, message encoding.
export * from './codes.ts';
export * from './message-const.ts';
export * from './fastjson.ts';
export * from './headers.ts';
export * from './bodies/index.ts';
export * from './message.ts';
