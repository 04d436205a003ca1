// Topics page: searchable, sortable, paginated topic list.
import type { Metadata } from 'next';
import { Suspense } from 'react';
import { TopicList } from '@/components/topics/topic-list';
import { PageSkeleton } from '@/components/ui/states';

export const metadata: Metadata = { title: 'Topics' };

export default function TopicsPage() {
  return (
    <Suspense fallback={<PageSkeleton title="Topics" />}>
      <TopicList />
    </Suspense>
  );
}
