// Root layout of the RocketDeck console: sidebar navigation, header bar, theme and the client providers.
import type { Metadata } from 'next';
import { headers } from 'next/headers';
import type { ReactNode } from 'react';
import { Nav } from '@/components/shell/nav';
import { Header } from '@/components/shell/header';
import { Providers } from '@/components/providers';
import { AccessBanner } from '@/components/acl/access-banner';
import { THEME_SCRIPT } from '@/components/theme';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'RocketDeck', template: '%s · RocketDeck' },
  description: 'Run, watch and operate RocketMQ clusters',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // the CSP nonce proxy.ts made for this request (reading it renders every page per request, as nonces need)
  const nonce = (await headers()).get('x-nonce') ?? undefined;
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
      </head>
      <body className="min-h-screen bg-zinc-50 text-zinc-900 antialiased dark:bg-zinc-950 dark:text-zinc-100">
        <Providers>
          <div className="flex min-h-screen">
            <aside className="hidden w-52 shrink-0 border-r border-zinc-200 bg-zinc-100/70 md:block dark:border-zinc-800 dark:bg-zinc-900/60">
              <div className="sticky top-0 h-screen overflow-y-auto">
                <Nav />
              </div>
            </aside>
            <div className="flex min-w-0 flex-1 flex-col">
              <Header />
              <main className="mx-auto w-full max-w-[1600px] flex-1 px-5 py-5">
                <AccessBanner />
                {children}
              </main>
            </div>
          </div>
        </Providers>
      </body>
    </html>
  );
}
