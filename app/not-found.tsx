// 404 page of the console.
import Link from 'next/link';
import { Empty } from '@/components/ui/states';

export default function NotFound() {
  return (
    <Empty title="Page not found" hint="The address does not match a page of the console.">
      <Link href="/" className="text-sm text-orange-700 hover:underline dark:text-orange-400">Back to the overview</Link>
    </Empty>
  );
}
