// Every broker.conf key RocketMQ knows that RocketDeck accepts without acting on it (thread pools, Netty tuning,
// DLedger, POP, timer, metrics...). Listing them lets an existing broker.conf load unchanged while a typo still fails
// start-up. Keys that do something live in broker-config.ts (broker keys) and lib/store/config.ts (store keys),
// except a few read from here by the part of the broker that uses them: the ha* keys (replication) and
// transactionCheckInterval, transactionTimeOut and transactionCheckMax (the transaction check-back service).
import os from 'node:os';

export type ConfigKind = 'string' | 'int' | 'long' | 'bool' | 'double';

const CPUS = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;

/**
 * 4.9.x keys with RocketMQ's default values, as GET_BROKER_CONFIG reports them. A key written without '=' has no
 * default (a Java null) and is reported only once set.
 */
const PASSIVE_4_9: Record<ConfigKind, string> = {
  int:
    `sendMessageThreadPoolNums=${Math.min(CPUS, 4)} putMessageFutureThreadPoolNums=${Math.min(CPUS, 4)} ` +
    `pullMessageThreadPoolNums=${16 + CPUS * 2} processReplyMessageThreadPoolNums=${16 + CPUS * 2} ` +
    `queryMessageThreadPoolNums=${8 + CPUS} heartbeatThreadPoolNums=${Math.min(32, CPUS)} ` +
    `endTransactionThreadPoolNums=${Math.max(8 + CPUS * 2, 12)} clientCallbackExecutorThreads=${CPUS} ` +
    'adminBrokerThreadPoolNums=16 clientManageThreadPoolNums=32 consumerManageThreadPoolNums=32 ' +
    'flushConsumerOffsetHistoryInterval=60000 sendThreadPoolQueueCapacity=10000 putThreadPoolQueueCapacity=10000 ' +
    'pullThreadPoolQueueCapacity=100000 replyThreadPoolQueueCapacity=10000 queryThreadPoolQueueCapacity=20000 ' +
    'clientManagerThreadPoolQueueCapacity=1000000 consumerManagerThreadPoolQueueCapacity=1000000 ' +
    'heartbeatThreadPoolQueueCapacity=50000 endTransactionPoolQueueCapacity=100000 filterServerNums=0 ' +
    'commercialTimerCount=1 commercialTransCount=1 commercialBigCount=1 commercialBaseCount=1 maxDelayTime=40 ' +
    'expectConsumerNumUseFilter=32 maxErrorRateOfBloomFilter=20 transactionCheckMax=15 ' +
    'mappedFileSizeConsumeQueueExt=50331648 bitMapLengthConsumeQueueExt=64 commitIntervalCommitLog=200 ' +
    'deleteCommitLogFilesInterval=100 deleteConsumeQueueFilesInterval=100 destroyMapedFileIntervalForcibly=120000 ' +
    'redeleteHangedFileInterval=120000 putMsgIndexHightWater=600000 commitCommitLogLeastPages=4 ' +
    'flushLeastPagesWhenWarmMapedFile=4096 flushConsumeQueueLeastPages=2 commitCommitLogThoroughInterval=200 ' +
    'flushConsumeQueueThoroughInterval=60000 maxMsgsNumBatch=64 haSendHeartbeatInterval=5000 ' +
    'haHousekeepingInterval=20000 haTransferBatchSize=32768 haSlaveFallbehindMax=268435456 slaveTimeout=3000 ' +
    'transientStorePoolSize=5 maxLmqConsumeQueueNum=20000 scheduleAsyncDeliverMaxPendingLimit=2000 ' +
    'scheduleAsyncDeliverMaxResendNum2Blocked=3 serverWorkerThreads=8 serverCallbackExecutorThreads=0 ' +
    'serverSelectorThreads=3 serverOnewaySemaphoreValue=256 serverAsyncSemaphoreValue=64 ' +
    'serverChannelMaxIdleTimeSeconds=120 serverSocketSndBufSize=0 serverSocketRcvBufSize=0 ' +
    'writeBufferHighWaterMark=0 writeBufferLowWaterMark=0 serverSocketBacklog=1024 clientWorkerThreads=4 ' +
    'clientOnewaySemaphoreValue=65535 clientAsyncSemaphoreValue=65535 connectTimeoutMillis=3000 ' +
    'clientChannelMaxIdleTimeSeconds=120 clientSocketSndBufSize=0 clientSocketRcvBufSize=0',
  long:
    'consumerFallbehindThreshold=17179869184 waitTimeMillsInSendQueue=200 waitTimeMillsInPullQueue=5000 ' +
    'waitTimeMillsInHeartbeatQueue=31000 waitTimeMillsInTransactionQueue=3000 filterDataCleanTimeSpan=86400000 ' +
    'transactionTimeOut=6000 transactionCheckInterval=60000 channelNotActiveInterval=60000',
  bool:
    'fetchNamesrvAddrByAddressServer=false highSpeedMode=false commercialEnable=true transferMsgByHeap=true ' +
    'disableConsumeIfConsumerReadSlowly=false brokerFastFailureEnable=true ' +
    'compressedRegister=false aclEnable=false storeReplyMessageEnable=true enableDetailStat=true ' +
    'autoDeleteUnusedStats=false isolateLogEnable=false enableConsumeQueueExt=false ' +
    'useReentrantLockWhenPutMessage=true flushCommitLogTimed=true messageIndexSafe=false warmMapedFileEnable=false ' +
    'offsetCheckInSlave=false debugLockEnable=false duplicationEnable=false diskFallRecorded=true ' +
    'transientStorePoolEnable=false fastFailIfNoBufferInStorePool=false enableDLegerCommitLog=false ' +
    'isEnableBatchPush=false enableScheduleMessageStats=true enableLmq=false enableMultiDispatch=false ' +
    'enableScheduleAsyncDeliver=false serverPooledByteBufAllocatorEnable=true useEpollNativeSelector=false ' +
    'clientPooledByteBufAllocatorEnable=false clientCloseSocketIfTimeout=true useTLS=false',
  double: '',
  string:
    'messageStorePlugIn= storePathDLedgerCommitLog readOnlyCommitLogStorePaths haMasterAddress dLegerGroup ' +
    'dLegerPeers dLegerSelfId preferredLeaderId',
};

/** Keys RocketMQ 5.x added; accepted and type-checked, reported by GET_BROKER_CONFIG only once set. */
const PASSIVE_5_X: Record<ConfigKind, string> = {
  bool:
    'recoverConcurrently fetchNameSrvAddrByDnsLookup accountStatsEnable accountStatsPrintZeroValues ' +
    'rejectPullConsumerEnable enableNetWorkFlowControl enableBroadcastOffsetStore enableSkipLongAwaitingAck ' +
    'enablePopLog enablePopBufferMerge enablePopBatchAck enableNotifyBeforePopCalculateLag ' +
    'enableNotifyAfterPopOrderLockRelease initPopOffsetByCheckMsgInMem retrieveMessageFromPopRetryTopicV1 ' +
    'enableRetryTopicV2 popConsumerFSServiceInit popConsumerKVServiceLog popConsumerKVServiceInit ' +
    'popConsumerKVServiceEnable realTimeNotifyConsumerChange litePullMessageEnable serverLoadBalancerEnable ' +
    'enableSlaveActingMaster enableRemoteEscape skipPreOnline asyncSendEnable useServerSideResetOffset ' +
    'lockInStrictMode compatibleWithOldNameSrv enableControllerMode fetchControllerAddrByDnsLookup ' +
    'validateSystemTopicWhenUpdateTopic useStaticSubscription metricsInDelta enableRemotingMetrics ' +
    'enableMessageStoreMetrics enablePopMetrics enableConnectionMetrics enableTransactionMetrics enableStatsMetrics ' +
    'enableRequestMetrics enableLagAndDlqMetrics estimateAccumulation coldCtrStrategyEnable usePIDColdCtrStrategy ' +
    'popResponseReturnActualRetryTopic enableSingleTopicRegister enableMixedMessageType enableSplitRegistration ' +
    'enableSplitMetadata enablePopMessageThreshold enableFastChannelEventProcess printChannelGroups ' +
    'skipWhenCKRePutReachMaxTimes appendAckAsync appendCkAsync clearRetryTopicWhenDeleteTopic enableLmqStats ' +
    'allowRecallWhenBrokerNotWriteable recallMessageEnable enableRegisterProducer enableCreateSysGroup ' +
    'enableCompaction timerEnableDisruptor timerEnableCheckMetrics timerInterceptDelayLevel timerWheelEnable ' +
    'timerStopEnqueue timerSkipUnknownError timerWarmEnable timerStopDequeue timerEnableRetryUntilSuccess ' +
    'writeWithoutMmap enableBatchPush enableAsyncReput recheckReputOffsetFromCq autoMessageVersionOnTopicLen ' +
    'enableRunningFlagsInFlush enabledAppendPropCRC forceVerifyPropCRC mappedFileSwapEnable searchBcqByCacheEnable ' +
    'dispatchFromSenderThread wakeCommitWhenPutMessage wakeFlushWhenPutMessage enableCleanExpiredOffset ' +
    'allAckInSyncStateSet enableAutoInSyncReplicas haFlowControlEnable syncMasterFlushOffsetWhenStartup ' +
    'syncFromLastFile asyncLearner coldDataFlowControlEnable coldDataScanEnable dataReadAheadEnable ' +
    'enableBuildConsumeQueueConcurrently realTimePersistRocksDBConfig enableRocksDBLog readUnCommitted ' +
    'putConsumeQueueDataByFileChannel rocksdbCQDoubleWriteEnable combineCQEnableCheckSelf enableAcceleratedRecovery ' +
    'useABSLock enableLogConsumeQueueRepeatedlyBuildWhenRecover serverNettyWorkerGroupEnable enableShutdownGracefully ' +
    'isScanAvailableNameSrv disableCallbackExecutor disableNettyWorkerGroup enableReconnectForGoAway ' +
    'isBrokerContainer isInBrokerContainer authenticationEnabled authorizationEnabled migrateAuthFromV1Enabled',
  int:
    'litePullMessageThreadPoolNums ackMessageThreadPoolNums loadBalanceProcessorThreadPoolNums recoverThreadPoolNums ' +
    'litePullThreadPoolQueueCapacity ackThreadPoolQueueCapacity adminBrokerThreadPoolQueueCapacity ' +
    'loadBalanceThreadPoolQueueCapacity commercialSizePerMsg maxStatsIdleTimeInMinutes sendHeartbeatTimeoutMillis ' +
    'updateNameServerAddrPeriod brokerHeartbeatInterval popPollingSize popPollingMapSize ' +
    'popPollingMapExpireTimeSeconds reviveQueueNum popCkStayBufferTime popCkStayBufferTimeOut popCkMaxBufferSize ' +
    'popCkOffsetMaxQueueSize popFromRetryProbability popReviveMaxReturnSizePerRead popReviveMaxAttemptTimes ' +
    'syncBrokerMemberGroupPeriod cleanOfflineBrokerInterval defaultPopShareQueueNum transactionOpMsgMaxSize ' +
    'transactionOpBatchInterval brokerElectionPriority metricsOtelCardinalityLimit metricsPromExporterPort ' +
    'splitMetadataSize printChannelGroupsMinNum splitRegistrationSize compactionMappedFileSize ' +
    'compactionCqMappedFileSize compactionScheduleInternal maxOffsetMapSize compactionThreadNum ' +
    'mappedFileSizeTimerLog timerPrecisionMs timerRollWindowSlot timerFlushIntervalMs timerGetMessageThreadNum ' +
    'timerPutMessageThreadNum timerMaxDelaySec disappearTimeAfterStart timerCongestNumEachSlot ' +
    'timerMetricSmallThreshold timerProgressLogIntervalMs mapperFileSizeBatchConsumeQueue maxRecoveryCommitlogFiles ' +
    'diskSpaceWarningLevelRatio diskSpaceCleanForciblyRatio deleteFileBatchMax maxFilterMessageSize haMaxGapNotInSync ' +
    'putMessageTimeout maxBatchDeleteFilesNum dispatchCqThreads dispatchCqCacheNum maxTopicLength ' +
    'travelCqFileNumWhenGetMessage correctLogicMinOffsetSleepInterval correctLogicMinOffsetForceInterval ' +
    'commitLogSwapMapReserveFileNum logicQueueSwapMapReserveFileNum maxAsyncPutMessageRequests ' +
    'pullBatchMaxMessageCount totalReplicas inSyncReplicas minInSyncReplicas replicasPerDiskPartition ' +
    'maxConsumeQueueScan sampleCountThreshold timerColdDataCheckIntervalMs sampleSteps accessMessageInMemoryHotRatio ' +
    'batchDispatchRequestThreadPoolNums topicQueueLockNum combineCQMaxExtraSearchCommitLogFiles ' +
    'rocksdbFlushWalFrequency spinLockCollisionRetreatOptimalDegree shutdownWaitTimeSeconds',
  long:
    'waitTimeMillsInLitePullQueue waitTimeMillsInAckQueue waitTimeMillsInAdminBrokerQueue ' +
    'brokerNotActiveTimeoutMillis broadcastOffsetExpireSecond broadcastOffsetExpireMaxSecond maxPopPollingSize ' +
    'reviveInterval reviveMaxSlow reviveScanTime reviveAckWaitMs popLongPollingForceNotifyInterval ' +
    'loadBalancePollNameServerInterval transactionMetricFlushInterval forwardTimeout consumerOffsetUpdateVersionStep ' +
    'delayOffsetUpdateVersionStep syncBrokerMetadataPeriod checkSyncStateSetPeriod syncControllerMetadataPeriod ' +
    'controllerHeartBeatTimeoutMills metricGrpcExporterTimeOutInMills metricGrpcExporterIntervalInMills ' +
    'metricLoggingExporterIntervalInMills subscriptionExpiredTimeout cgColdReadThreshold globalColdReadThreshold ' +
    'fetchNamesrvAddrInterval popInflightMessageThreshold commitLogForceSwapMapInterval commitLogSwapMapInterval ' +
    'logicQueueForceSwapMapInterval logicQueueSwapMapInterval cleanSwapedMapInterval maxHaTransferByteInSecond ' +
    'haMaxTimeSlaveNotCatchup maxChecksumRange maxSlaveResendLength cleanRocksDBDirtyCQIntervalMin ' +
    'statRocksDBCQIntervalSec memTableFlushIntervalMs rocksdbWalFileRollingThreshold maxReconnectIntervalTimeSeconds',
  double:
    'logicalDiskSpaceCleanForciblyThreshold',
  string:
    'brokerConfigPath defaultMessageRequestMode controllerAddr metricsExporterType metricsGrpcExporterTarget ' +
    'metricsGrpcExporterHeader metricsPromExporterHost metricsLabel configManagerVersion storePathEpochFile ' +
    'storePathBrokerIdentity timerCheckMetricsWhen storeType combineCQLoadingCQTypes combineCQPreferCQType ' +
    'combineAssignOffsetCQType bottomMostCompressionTypeForConsumeQueueStore rocksdbCompressionType socksProxyConfig ' +
    // AuthConfig (5.x ACL 2.0), read by lib/broker/auth/config.ts.
    'initAuthenticationUser innerClientAuthenticationCredentials authenticationWhitelist authorizationWhitelist',
};

export interface PassiveKey {
  kind: ConfigKind;
  /** Default text; undefined when RocketMQ's default is null (then the key is not reported until set). */
  defaultText?: string;
  /** Only 5.x knows the key: not reported by GET_BROKER_CONFIG unless set. */
  v5Only: boolean;
}

function build(): Map<string, PassiveKey> {
  const out = new Map<string, PassiveKey>();
  for (const [kind, text] of Object.entries(PASSIVE_4_9) as Array<[ConfigKind, string]>) {
    for (const token of text.split(' ').filter(Boolean)) {
      const eq = token.indexOf('=');
      if (eq < 0) out.set(token, { kind, v5Only: false });
      else out.set(token.slice(0, eq), { kind, defaultText: token.slice(eq + 1), v5Only: false });
    }
  }
  for (const [kind, text] of Object.entries(PASSIVE_5_X) as Array<[ConfigKind, string]>) {
    for (const key of text.split(' ').filter(Boolean)) if (!out.has(key)) out.set(key, { kind, v5Only: true });
  }
  return out;
}

/** Accepted-without-effect keys by name. Callers drop the ones that are store or broker keys (those win). */
export const PASSIVE_KEYS: ReadonlyMap<string, PassiveKey> = build();
