// Overview page: health of the console and, as later work lands, of the cluster.
import { HealthCard } from '@/components/health-card';

export default function OverviewPage() {
  return (
    <div className="space-y-6">
      <header>
        <h1 className="text-2xl font-semibold tracking-tight">Overview</h1>
        <p className="text-sm text-zinc-500">Health of your RocketMQ cluster at a glance.</p>
      </header>
      <div className="grid gap-4 md:grid-cols-2">
        <HealthCard />
      </div>
    </div>
  );
}
