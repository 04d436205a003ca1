// Lag trend label: growing (bad), shrinking (good) or steady.
import { Badge } from '@/components/ui/badge';
import type { Trend } from '@/components/api/types';

export function TrendBadge({ trend }: { trend: Trend }) {
  if (trend === 'growing') return <Badge tone="red" testId="trend">↑ growing</Badge>;
  if (trend === 'shrinking') return <Badge tone="green" testId="trend">↓ shrinking</Badge>;
  return <Badge tone="zinc" testId="trend">→ steady</Badge>;
}
