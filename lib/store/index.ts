// The message store's public surface: open a store, append, read, replicate, administer.

export { MessageStore, type MessageStoreOptions } from './message-store.ts';
export {
  type BrokerRole,
  defaultMessageStoreConfig,
  type FlushDiskType,
  type MessageStoreConfig,
  resolveMessageStoreConfig,
  storePaths,
} from './config.ts';
export { defaultTagsCode, type MessageArrivingListener, type TagsCodeCalculator } from './dispatch.ts';
export { StoreConfigError, StoreError, StoreFileError, StoreIOError } from './errors.ts';
export type { RecoveryReport } from './recovery.ts';
export type { RetentionRound } from './retention.ts';
export * from './types.ts';
