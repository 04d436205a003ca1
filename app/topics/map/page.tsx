// Topic-to-broker map page.
import type { Metadata } from 'next';
import { Suspense } from 'react';
import { TopicMap } from '@/components/topics/topic-map';
import { PageSkeleton } from '@/components/ui/states';

export const metadata: Metadata = { title: 'Topic map' };

export default function TopicMapPage() {
  return (
    <Suspense fallback={<PageSkeleton title="Topic map" />}>
      <TopicMap />
    </Suspense>
  );
}
