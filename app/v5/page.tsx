// RocketMQ 5.x page: versions, timer messages, replication, controllers and proxies.
import type { Metadata } from 'next';
import { V5Page } from '@/components/v5/v5-page';

export const metadata: Metadata = { title: 'RocketMQ 5.x' };

export default function Page() {
  return <V5Page />;
}
