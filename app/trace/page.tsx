// Message trace: a message's way from producer to broker to each consumer group (and its DLQ).
import type { Metadata } from 'next';
import { Suspense } from 'react';
import { TraceView } from '@/components/trace/trace-view';
import { PageSkeleton } from '@/components/ui/states';

export const metadata: Metadata = { title: 'Message trace' };

export default function TracePage() {
  return (
    <Suspense fallback={<PageSkeleton title="Message trace" />}>
      <TraceView />
    </Suspense>
  );
}
