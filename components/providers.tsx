'use client';
// Client-side providers shared by every page: the react-query cache, live refresh settings and the chosen cluster.

import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { ApiError } from '@/components/api/client';
import { ClusterProvider } from '@/components/cluster-context';
import { RefreshProvider } from '@/components/refresh';

export function Providers({ children }: { children: ReactNode }) {
  const [client] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: {
            refetchOnWindowFocus: false,
            // a 4xx answer will not change by asking again at once; the next poll asks anyway
            retry: (count, err) => !(err instanceof ApiError && err.status >= 400 && err.status < 500) && count < 1,
          },
        },
      }),
  );
  return (
    <QueryClientProvider client={client}>
      <RefreshProvider>
        <ClusterProvider>{children}</ClusterProvider>
      </RefreshProvider>
    </QueryClientProvider>
  );
}
