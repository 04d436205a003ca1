// Dead letters: every consumer group with a dead-letter queue.
import type { Metadata } from 'next';
import { DlqList } from '@/components/dlq/dlq-list';

export const metadata: Metadata = { title: 'Dead letters' };

export default function DlqPage() {
  return <DlqList />;
}
