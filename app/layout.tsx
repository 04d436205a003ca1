// Root layout of the RocketDeck console: navigation, theme and the react-query provider.
import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { Nav } from '@/components/nav';
import { Providers } from '@/components/providers';
import './globals.css';

export const metadata: Metadata = {
  title: 'RocketDeck',
  description: 'Run, watch and operate RocketMQ clusters',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-zinc-50 text-zinc-900 antialiased dark:bg-zinc-950 dark:text-zinc-100">
        <Providers>
          <div className="flex min-h-screen">
            <aside className="w-56 shrink-0 border-r border-zinc-200 bg-zinc-100 dark:border-zinc-800 dark:bg-zinc-900">
              <Nav />
            </aside>
            <main className="flex-1 p-6">{children}</main>
          </div>
        </Providers>
      </body>
    </html>
  );
}
