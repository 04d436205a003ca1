'use client';
// A message body three ways: as text, as pretty-printed JSON (when it parses), and as a hex dump.

import { useMemo, useState } from 'react';
import { Tabs } from '@/components/ui/tabs';
import { hexDump } from './hex';

function bytesOf(base64: string): Uint8Array {
  const bin = atob(base64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

type View = 'text' | 'json' | 'hex';

export function BodyView({ text, base64 }: { text: string; base64: string }) {
  const json = useMemo(() => {
    try {
      return JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      return null;
    }
  }, [text]);
  const [view, setView] = useState<View>(json ? 'json' : 'text');
  const bytes = useMemo(() => bytesOf(base64), [base64]);
  const tabs: Array<{ id: View; label: string }> = [
    { id: 'text', label: 'Text' },
    ...(json ? [{ id: 'json' as const, label: 'JSON' }] : []),
    { id: 'hex', label: 'Hex' },
  ];
  return (
    <div data-testid="body-view">
      <div className="flex items-center justify-between">
        <Tabs<View> label="Body view" tabs={tabs} value={view} onChange={setView} />
        <span className="text-xs text-zinc-500">{bytes.length.toLocaleString()} bytes</span>
      </div>
      <pre data-testid={`body-${view}`} className="mt-2 max-h-80 overflow-auto whitespace-pre-wrap break-all rounded-md bg-zinc-50 p-3 font-mono text-xs dark:bg-zinc-950">
        {view === 'hex' ? hexDump(bytes) : view === 'json' ? json : text || <span className="text-zinc-400">(empty body)</span>}
      </pre>
    </div>
  );
}
