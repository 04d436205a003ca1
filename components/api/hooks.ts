'use client';
// Typed react-query hooks over the console API: polling at the chosen interval, keyed by the chosen cluster.

import { keepPreviousData, useMutation, useQueries, useQuery, useQueryClient, type UseQueryResult } from '@tanstack/react-query';
import { useCluster } from '@/components/cluster-context';
import { usePollInterval } from '@/components/refresh';
import { apiFetch, seg, type Query } from '@/components/api/client';
import type {
  AuditResponse, BrokerKVResult, ClusterResponse, ClustersResponse, GroupDetailResponse, GroupListResponse, HealthResponse, HistoryResponse,
  MeResponse, MessageConsumersResponse, MessagesResponse, OverviewResponse, TopicBrokerMapResult, TopicDetailResponse, TopicListResponse,
} from '@/components/api/types';

export interface ApiQueryOptions {
  query?: Query;
  /** Poll at this multiple of the chosen interval; 0 = do not poll. */
  pollFactor?: number;
  enabled?: boolean;
  /** Keep showing the previous answer while a new page or search loads. */
  keepPrevious?: boolean;
}

export function useApi<T>(path: string, opts: ApiQueryOptions = {}): UseQueryResult<T, Error> {
  const { cluster, ready } = useCluster();
  const interval = usePollInterval(opts.pollFactor ?? 1);
  return useQuery<T, Error>({
    queryKey: ['api', cluster ?? '', path, opts.query ?? {}],
    queryFn: ({ signal }) => apiFetch<T>(path, { query: opts.query, signal, cluster }),
    enabled: ready && (opts.enabled ?? true),
    refetchInterval: opts.pollFactor === 0 ? false : interval,
    placeholderData: opts.keepPrevious ? keepPreviousData : undefined,
  });
}

export const useHealth = () => useApi<HealthResponse>('/api/health', { pollFactor: 2 });
export const useOverview = () => useApi<OverviewResponse>('/api/overview');
export const useClusterState = () => useApi<ClusterResponse>('/api/cluster');
export const useBrokerConfig = (brokerAddr: string | undefined) =>
  useApi<BrokerKVResult>(`/api/brokers/${seg(brokerAddr ?? '')}/config`, { enabled: !!brokerAddr, pollFactor: 0 });

/** Configuration of many brokers at once (flush mode, role): read once and kept, it changes only when edited. */
export function useBrokerConfigs(addrs: string[]): Map<string, Record<string, string>> {
  const { cluster, ready } = useCluster();
  const results = useQueries({
    queries: addrs.map((addr) => ({
      queryKey: ['api', cluster ?? '', `/api/brokers/${addr}/config`, {}],
      queryFn: ({ signal }: { signal: AbortSignal }) => apiFetch<BrokerKVResult>(`/api/brokers/${seg(addr)}/config`, { signal, cluster }),
      enabled: ready,
      staleTime: 5 * 60_000,
      retry: false,
    })),
  });
  const out = new Map<string, Record<string, string>>();
  results.forEach((r, i) => {
    const table = r.data?.brokers[0]?.table;
    if (table) out.set(addrs[i]!, table);
  });
  return out;
}

export interface ListParams {
  search?: string;
  page?: number;
  pageSize?: number;
  sort?: string;
  [key: string]: string | number | boolean | undefined;
}

export const useTopics = (params: ListParams) => useApi<TopicListResponse>('/api/topics', { query: params, keepPrevious: true });
export const useTopicMap = () => useApi<TopicBrokerMapResult>('/api/topics/map', { pollFactor: 3 });
/**
 * `producerGroup`: also that producer group's connections (RocketMQ cannot list a topic's producers); the topic page
 * passes it (even '') and keeps showing the last answer while another group is asked.
 */
export const useTopic = (topic: string, enabled = true, producerGroup?: string) =>
  useApi<TopicDetailResponse>(`/api/topics/${seg(topic)}`, {
    enabled: enabled && topic !== '', query: producerGroup ? { producerGroup } : undefined, keepPrevious: producerGroup !== undefined,
  });
export const useGroups = (params: ListParams) => useApi<GroupListResponse>('/api/consumer-groups', { query: params, keepPrevious: true });
export const useGroup = (group: string, enabled = true) => useApi<GroupDetailResponse>(`/api/consumer-groups/${seg(group)}`, { enabled: enabled && group !== '' });

export function useGroupHistory(group: string, metric: string, rangeMs: number) {
  // the range end moves with each poll; the key holds only the range length so the chart keeps its data between polls
  const { cluster, ready } = useCluster();
  const interval = usePollInterval();
  return useQuery<HistoryResponse, Error>({
    queryKey: ['api', cluster ?? '', `/api/consumer-groups/${group}/history`, { metric, rangeMs }],
    queryFn: ({ signal }) => {
      const to = Date.now();
      return apiFetch<HistoryResponse>(`/api/consumer-groups/${seg(group)}/history`, { query: { metric, from: to - rangeMs, to }, signal, cluster });
    },
    enabled: ready,
    refetchInterval: interval,
    placeholderData: keepPreviousData,
  });
}

export function useHistory(kind: string, name: string, metric: string, rangeMs: number, enabled = true) {
  const { cluster, ready } = useCluster();
  const interval = usePollInterval();
  return useQuery<HistoryResponse, Error>({
    queryKey: ['api', cluster ?? '', `/api/history/${kind}/${name}`, { metric, rangeMs }],
    queryFn: ({ signal }) => {
      const to = Date.now();
      return apiFetch<HistoryResponse>(`/api/history/${seg(kind)}/${seg(name)}`, { query: { metric, from: to - rangeMs, to }, signal, cluster });
    },
    enabled: ready && enabled,
    refetchInterval: interval,
    placeholderData: keepPreviousData,
  });
}

/** A message search runs when asked (the form's submit), not on a timer. */
export const useMessages = (query: Query | null) =>
  useApi<MessagesResponse>('/api/messages', { query: query ?? {}, enabled: query !== null, pollFactor: 0 });

export const useMessageConsumers = (msgId: string | null, topic: string | undefined) =>
  useApi<MessageConsumersResponse>(`/api/messages/${seg(msgId ?? '')}/consumers`, {
    query: { topic }, enabled: !!msgId, pollFactor: 0,
  });

export const useAudit = (limit: number, before?: number) =>
  useApi<AuditResponse>('/api/audit', { query: { limit, before }, keepPrevious: true, pollFactor: 2 });

export function useMe() {
  return useQuery<MeResponse, Error>({
    queryKey: ['me'],
    queryFn: () => apiFetch<MeResponse>('/api/auth/me'),
    staleTime: 60_000,
    refetchInterval: 60_000,
  });
}

export function useSavedClusters() {
  return useQuery<ClustersResponse, Error>({ queryKey: ['clusters'], queryFn: () => apiFetch<ClustersResponse>('/api/clusters'), staleTime: 30_000 });
}

/** A mutating call; on success every cached answer is refetched so the pages show the change. */
export function useApiMutation<TVars, TResult>(request: (vars: TVars, cluster: string | undefined) => { method: string; path: string; body?: unknown; query?: Query }) {
  const qc = useQueryClient();
  const { cluster } = useCluster();
  return useMutation<TResult, Error, TVars>({
    mutationFn: (vars) => {
      const r = request(vars, cluster);
      return apiFetch<TResult>(r.path, { method: r.method, body: r.body, query: r.query, cluster });
    },
    onSettled: () => qc.invalidateQueries({ queryKey: ['api'] }),
  });
}
