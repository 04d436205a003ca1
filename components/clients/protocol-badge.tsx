// How a client talks to the cluster, as a badge: gRPC (a 5.x SDK behind a gRPC endpoint) or remoting.
import type { ClientConnection } from '@/components/api/types';
import { Badge } from '@/components/ui/badge';

export function ProtocolBadge({ c }: { c: Pick<ClientConnection, 'protocol' | 'protocolType' | 'clientVersion'> }) {
  if (c.protocol === 'grpc') {
    const title = `gRPC (${c.protocolType ?? 'grpc'}) through a gRPC endpoint${c.clientVersion ? `; client version ${c.clientVersion}` : ''}`;
    return <Badge tone="violet" title={title} testId="client-protocol">gRPC</Badge>;
  }
  return <Badge tone="zinc" title="RocketMQ remoting protocol (TCP)" testId="client-protocol">remoting</Badge>;
}
