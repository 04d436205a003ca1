'use client';
// Actions page (operators): every change the console can make, each reporting its result broker by broker.

import { useMe } from '@/components/api/hooks';
import { useUrlState } from '@/components/url-state';
import { Card, PageHeader } from '@/components/ui/card';
import { Tabs } from '@/components/ui/tabs';
import { TopicForm } from './topic-form';
import { DeleteTopicForm } from './delete-topic';
import { DeleteGroupForm, GroupForm } from './group-form';
import { ResetOffsetForm } from './reset-offset';
import { DrainBrokerForm } from './drain-broker';
import { CloneOffsetForm, SkipBacklogForm } from './offset-ops';
import { canChange } from '@/components/auth/roles';

type Tab = 'topic' | 'delete-topic' | 'group' | 'delete-group' | 'reset' | 'clone' | 'skip' | 'drain';

const TABS: Array<{ id: Tab; label: string; help: string }> = [
  { id: 'topic', label: 'Create / update topic', help: 'Creates the topic on the chosen brokers, or changes its queue counts, permission and order when it exists.' },
  { id: 'delete-topic', label: 'Delete topic', help: 'Removes the topic from every broker of the cluster and from the nameservers. Its messages become unreachable.' },
  { id: 'group', label: 'Create / update group', help: 'Writes a subscription group config to the chosen brokers.' },
  { id: 'delete-group', label: 'Delete group', help: 'Removes a subscription group from the cluster’s masters.' },
  { id: 'reset', label: 'Reset offsets', help: 'Moves where a consumer group reads a topic from; preview the change per queue before applying.' },
  { id: 'clone', label: 'Clone offsets', help: 'Copies where one consumer group stands on a topic to another group (CLONE_GROUP_OFFSET); preview the destination’s old and new offsets first.' },
  { id: 'skip', label: 'Skip backlog', help: 'Moves a consumer group past everything it has not consumed yet: each queue with a backlog to its max offset.' },
  { id: 'drain', label: 'Drain broker', help: 'Takes a broker group out of service: producers move away, consumers catch up on what is left; then gives its write permission back.' },
];

export function ActionsPage() {
  const me = useMe();
  const [s, set] = useUrlState({ tab: 'topic', group: '', topic: '' });
  const tab = (TABS.some((t) => t.id === s.tab) ? s.tab : 'topic') as Tab;
  const info = TABS.find((t) => t.id === tab)!;
  return (
    <>
      <PageHeader
        title="Actions"
        description={canChange(me.data?.role) ? 'Change topics, subscription groups and consumer offsets. Every change is audited.' : 'Changes need the operator role; viewers can look but will be refused.'}
      />
      <Card>
        <Tabs<Tab> label="Action" tabs={TABS} value={tab} onChange={(t) => set({ tab: t })} />
        <p className="mt-3 text-sm text-zinc-500">{info.help}</p>
        <div className="mt-4 max-w-3xl">
          {tab === 'topic' && <TopicForm key="topic" />}
          {tab === 'delete-topic' && <DeleteTopicForm key="delete-topic" />}
          {tab === 'group' && <GroupForm key="group" />}
          {tab === 'delete-group' && <DeleteGroupForm key="delete-group" />}
          {tab === 'drain' && <DrainBrokerForm key="drain" />}
          {tab === 'clone' && <CloneOffsetForm key={`clone-${s.group}`} group={s.group || undefined} />}
          {tab === 'skip' && <SkipBacklogForm key={`skip-${s.group}`} group={s.group || undefined} />}
          {tab === 'reset' && <ResetOffsetForm key={`reset-${s.group}-${s.topic}`} group={s.group || undefined} topic={s.topic || undefined} />}
        </div>
      </Card>
    </>
  );
}
