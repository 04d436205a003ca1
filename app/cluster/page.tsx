// Cluster page: nameservers and broker groups.
import type { Metadata } from 'next';
import { ClusterView } from '@/components/cluster/cluster-view';

export const metadata: Metadata = { title: 'Cluster' };

export default function ClusterPage() {
  return <ClusterView />;
}
