'use client';
// Where a write goes: a whole cluster (its masters) or chosen broker groups, from the cluster the console sees.

import { useClusterState } from '@/components/api/hooks';
import { Checkbox, Field, Select } from '@/components/ui/button';

export interface TargetChoice {
  mode: 'cluster' | 'brokers';
  clusterName: string;
  brokerNames: string[];
}

export const emptyTarget: TargetChoice = { mode: 'cluster', clusterName: '', brokerNames: [] };

/** The selector part of a write request body. */
export function selectorOf(t: TargetChoice, fallbackCluster: string | undefined): { clusterName?: string; brokerNames?: string[] } {
  if (t.mode === 'brokers') return { brokerNames: t.brokerNames };
  return { clusterName: t.clusterName || fallbackCluster };
}

export function useClusterNames(): { clusters: string[]; brokerNames: string[]; loading: boolean } {
  const q = useClusterState();
  const clusters = q.data?.clusterList?.clusters.map((c) => c.clusterName) ?? [];
  const brokerNames = [...new Set(q.data?.clusterList?.clusters.flatMap((c) => c.brokerNames) ?? [])].sort();
  return { clusters, brokerNames, loading: q.isPending };
}

export function TargetPicker({ value, onChange, allowBrokers = true }: { value: TargetChoice; onChange(t: TargetChoice): void; allowBrokers?: boolean }) {
  const { clusters, brokerNames } = useClusterNames();
  const cluster = value.clusterName || clusters[0] || '';
  return (
    <fieldset className="space-y-2">
      <legend className="mb-1 text-xs font-medium text-zinc-600 dark:text-zinc-400">Where</legend>
      <div className="flex flex-wrap items-center gap-4 text-sm">
        <label className="inline-flex items-center gap-1.5">
          <input type="radio" name="target-mode" checked={value.mode === 'cluster'} onChange={() => onChange({ ...value, mode: 'cluster' })} className="accent-orange-600" />
          Whole cluster
        </label>
        {allowBrokers && (
          <label className="inline-flex items-center gap-1.5">
            <input type="radio" name="target-mode" checked={value.mode === 'brokers'} onChange={() => onChange({ ...value, mode: 'brokers' })} className="accent-orange-600" data-testid="target-brokers" />
            Chosen broker groups
          </label>
        )}
      </div>
      {value.mode === 'cluster' ? (
        <Field label="Cluster">
          <Select value={cluster} onChange={(e) => onChange({ ...value, clusterName: e.target.value })} data-testid="target-cluster">
            {clusters.length === 0 && <option value="">(loading clusters…)</option>}
            {clusters.map((c) => <option key={c} value={c}>{c}</option>)}
          </Select>
        </Field>
      ) : (
        <div className="flex flex-wrap gap-3 rounded-md border border-zinc-200 px-3 py-2 dark:border-zinc-800">
          {brokerNames.length === 0 && <span className="text-sm text-zinc-500">No broker groups found.</span>}
          {brokerNames.map((b) => (
            <Checkbox
              key={b}
              label={b}
              data-testid={`target-broker-${b}`}
              checked={value.brokerNames.includes(b)}
              onChange={(e) => onChange({ ...value, brokerNames: e.target.checked ? [...value.brokerNames, b] : value.brokerNames.filter((x) => x !== b) })}
            />
          ))}
        </div>
      )}
    </fieldset>
  );
}
