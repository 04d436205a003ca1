// Actions page: create/update/delete topics and groups, reset offsets.
import type { Metadata } from 'next';
import { Suspense } from 'react';
import { ActionsPage } from '@/components/actions/actions-page';
import { PageSkeleton } from '@/components/ui/states';

export const metadata: Metadata = { title: 'Actions' };

export default function Actions() {
  return (
    <Suspense fallback={<PageSkeleton title="Actions" />}>
      <ActionsPage />
    </Suspense>
  );
}
