// `rocketdeck admin <command>`: mqadmin's common commands (same names and flags) over lib/admin, tables or --json.

import type { CommandSpec } from '../framework.ts';
import { authCommands } from './admin/auth.ts';
import { brokerStatusCommand, clusterListCommand, getBrokerConfigCommand, updateBrokerConfigCommand } from './admin/cluster.ts';
import { deleteTopicCommand, topicListCommand, topicRouteCommand, topicStatusCommand, updateTopicCommand } from './admin/topics.ts';
import {
  consumerConnectionCommand, consumerProgressCommand, consumerStatusCommand, deleteSubGroupCommand, producerConnectionCommand,
  updateSubGroupCommand,
  setConsumeModeCommand,
} from './admin/groups.ts';
import { cloneGroupOffsetCommand, resetOffsetByTimeCommand, skipAccumulatedMessageCommand } from './admin/offsets.ts';
import { dlqCommand } from './admin/dlq.ts';
import { brokerV5StatusCommand, controllerStatusCommand, getConsumeModeCommand, proxyClientsCommand, proxyListCommand } from './admin/v5.ts';
import { printMsgCommand, queryMsgByIdCommand, queryMsgByKeyCommand, queryMsgTraceByIdCommand, sendMessageCommand } from './admin/messages.ts';

export const adminCommand: CommandSpec = {
  name: 'admin',
  summary: 'Ask a RocketDeck or Apache RocketMQ cluster about itself, and change it (mqadmin commands)',
  usage: 'admin <command> [-n host:port;host:port] [options] [--json]',
  details: [
    "-n defaults to $NAMESRV_ADDR. Brokers that cannot answer are named on stderr ('error: broker-a (host:port): ...');",
    'a read still prints what the others answered (exit 0), a write exits 1. Bad arguments exit 2.',
  ].join('\n'),
  subcommands: [
    clusterListCommand,
    brokerStatusCommand,
    getBrokerConfigCommand,
    updateBrokerConfigCommand,
    topicListCommand,
    topicRouteCommand,
    topicStatusCommand,
    updateTopicCommand,
    deleteTopicCommand,
    updateSubGroupCommand,
    setConsumeModeCommand,
    getConsumeModeCommand,
    deleteSubGroupCommand,
    consumerProgressCommand,
    consumerConnectionCommand,
    consumerStatusCommand,
    producerConnectionCommand,
    resetOffsetByTimeCommand,
    cloneGroupOffsetCommand,
    skipAccumulatedMessageCommand,
    queryMsgByIdCommand,
    queryMsgByKeyCommand,
    printMsgCommand,
    queryMsgTraceByIdCommand,
    sendMessageCommand,
    dlqCommand,
    brokerV5StatusCommand,
    controllerStatusCommand,
    proxyListCommand,
    proxyClientsCommand,
    ...authCommands,
  ],
};
