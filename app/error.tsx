'use client';
// Error boundary of the console's pages: the page failed to render, the rest of the console still works.
import { ErrorBox } from '@/components/ui/states';

export default function PageError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold tracking-tight">Something went wrong</h1>
      <ErrorBox error={error} title="This page failed to render" onRetry={reset} />
    </div>
  );
}
