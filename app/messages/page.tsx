// Messages page: search and read messages.
import type { Metadata } from 'next';
import { Suspense } from 'react';
import { MessageSearch } from '@/components/messages/message-search';
import { PageSkeleton } from '@/components/ui/states';

export const metadata: Metadata = { title: 'Messages' };

export default function MessagesPage() {
  return (
    <Suspense fallback={<PageSkeleton title="Messages" />}>
      <MessageSearch />
    </Suspense>
  );
}
