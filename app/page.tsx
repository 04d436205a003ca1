// Overview page: health of the cluster at a glance.
import { Overview } from '@/components/overview/overview';

export default function OverviewPage() {
  return <Overview />;
}
