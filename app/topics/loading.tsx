// Skeleton shown while a page of the console loads.
import { PageSkeleton } from '@/components/ui/states';

export default function Loading() {
  return <PageSkeleton />;
}
