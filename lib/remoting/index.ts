// The remoting room's public surface: command model, frame codec, errors and the TCP transport.

export * from './command.ts';
export * from './codec.ts';
export * from './errors.ts';
export * from './connection.ts';
export * from './client.ts';
export * from './server.ts';
