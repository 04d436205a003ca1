// Consumer groups page.
import type { Metadata } from 'next';
import { Suspense } from 'react';
import { GroupList } from '@/components/groups/group-list';
import { PageSkeleton } from '@/components/ui/states';

export const metadata: Metadata = { title: 'Consumer groups' };

export default function GroupsPage() {
  return (
    <Suspense fallback={<PageSkeleton title="Consumer groups" />}>
      <GroupList />
    </Suspense>
  );
}
