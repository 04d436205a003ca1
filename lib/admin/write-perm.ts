// Draining a broker group: WIPE_WRITE_PERM_OF_BROKER takes the write permission of every queue of the group off the
// nameservers' routes (producers move away at their next route refresh, consumers keep reading), and
// ADD_WRITE_PERM_OF_BROKER gives it back (mqadmin wipeWritePerm / addWritePerm). Sent to every nameserver.

import { RequestCode } from '../protocol/codes.ts';
import {
  AddWritePermOfBrokerRequestHeader, AddWritePermOfBrokerResponseHeader, WipeWritePermOfBrokerRequestHeader, WipeWritePermOfBrokerResponseHeader, decodeHeader,
} from '../protocol/headers.ts';
import { AdminError, namesrvFailure, type NamesrvFailure } from './errors.ts';
import type { AdminCore } from './core.ts';

export interface WritePermResult {
  brokerName: string;
  /** Nameservers that applied it, with the number of topics whose queue data changed there. */
  done: Array<{ namesrvAddr: string; topicCount: number }>;
  errors: NamesrvFailure[];
}

const NAME_RE = /^[A-Za-z0-9_.:-]{1,127}$/;

async function operate(core: AdminCore, brokerName: string, wipe: boolean): Promise<WritePermResult> {
  if (!NAME_RE.test(brokerName)) throw new AdminError(`brokerName '${brokerName}' is not a broker name`);
  const answers = await core.eachNamesrv(async (addr) => {
    if (wipe) {
      const res = await core.call(addr, RequestCode.WIPE_WRITE_PERM_OF_BROKER, { brokerName }, { spec: WipeWritePermOfBrokerRequestHeader });
      return decodeHeader(WipeWritePermOfBrokerResponseHeader, res.extFields).wipeTopicCount;
    }
    const res = await core.call(addr, RequestCode.ADD_WRITE_PERM_OF_BROKER, { brokerName }, { spec: AddWritePermOfBrokerRequestHeader });
    return decodeHeader(AddWritePermOfBrokerResponseHeader, res.extFields).addTopicCount;
  });
  return {
    brokerName,
    done: answers.flatMap((a) => (a.ok ? [{ namesrvAddr: a.namesrvAddr, topicCount: a.value }] : [])),
    errors: answers.flatMap((a) => (a.ok ? [] : [namesrvFailure(a.namesrvAddr, a.error)])),
  };
}

export const wipeWritePerm = (core: AdminCore, brokerName: string): Promise<WritePermResult> => operate(core, brokerName, true);
export const addWritePerm = (core: AdminCore, brokerName: string): Promise<WritePermResult> => operate(core, brokerName, false);
