// Sidebar navigation of the console.
import Link from 'next/link';

// Pages are added here as they land.
const ITEMS = [
  { href: '/', label: 'Overview' },
];

export function Nav() {
  return (
    <nav aria-label="Main" className="flex flex-col gap-1 p-4">
      <div className="mb-4 text-lg font-semibold tracking-tight">
        <span className="text-orange-600">Rocket</span>Deck
      </div>
      {ITEMS.map((item) => (
        <Link
          key={item.href}
          href={item.href}
          className="rounded px-3 py-1.5 text-sm text-zinc-700 hover:bg-zinc-200 dark:text-zinc-300 dark:hover:bg-zinc-800"
        >
          {item.label}
        </Link>
      ))}
    </nav>
  );
}
