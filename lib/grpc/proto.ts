// Loads the vendored apache/rocketmq-apis protos (protos/apache/rocketmq/v2) with @grpc/proto-loader.
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const PROTO_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'protos');

/** Field names in camelCase, enums as their names, int64 as numbers (offsets and times fit in 2^53). */
export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true, includeDirs: [PROTO_DIR],
};

let cached: grpc.GrpcObject | undefined;

export function loadRocketmqV2(): grpc.GrpcObject {
  if (!cached) {
    const def = protoLoader.loadSync(['apache/rocketmq/v2/service.proto'], LOADER_OPTIONS);
    cached = grpc.loadPackageDefinition(def);
  }
  return cached;
}

/** The MessagingService definition (method name -> path, serializers). */
export function messagingServiceDefinition(): grpc.ServiceDefinition {
  const v2 = (((loadRocketmqV2().apache as grpc.GrpcObject).rocketmq as grpc.GrpcObject).v2 as grpc.GrpcObject);
  return (v2.MessagingService as grpc.ServiceClientConstructor).service;
}

export function messagingServiceClient(): grpc.ServiceClientConstructor {
  const v2 = (((loadRocketmqV2().apache as grpc.GrpcObject).rocketmq as grpc.GrpcObject).v2 as grpc.GrpcObject);
  return v2.MessagingService as grpc.ServiceClientConstructor;
}
