// Live tail page: a topic's new messages as they are stored, filtered on the server.
import type { Metadata } from 'next';
import { Suspense } from 'react';
import { LiveTail } from '@/components/tail/live-tail';
import { PageSkeleton } from '@/components/ui/states';

export const metadata: Metadata = { title: 'Live tail' };

export default function TailPage() {
  return (
    <Suspense fallback={<PageSkeleton title="Live tail" />}>
      <LiveTail />
    </Suspense>
  );
}
