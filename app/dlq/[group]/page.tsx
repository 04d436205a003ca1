// One group's dead-letter queue: browse, read, resend, deliver directly, export.
import type { Metadata } from 'next';
import { Suspense } from 'react';
import { DlqBrowser } from '@/components/dlq/dlq-browser';
import { PageSkeleton } from '@/components/ui/states';

export const metadata: Metadata = { title: 'Dead letters' };

export default async function DlqGroupPage({ params }: { params: Promise<{ group: string }> }) {
  const { group } = await params;
  return (
    <Suspense fallback={<PageSkeleton title="Dead letters" />}>
      <DlqBrowser group={decodeURIComponent(group)} />
    </Suspense>
  );
}
