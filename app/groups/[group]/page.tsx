// Consumer group detail page.
import type { Metadata } from 'next';
import { GroupDetail } from '@/components/groups/group-detail';
import { segmentName } from '@/components/segment';

type Props = { params: Promise<{ group: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: segmentName((await params).group) };
}

export default async function GroupPage({ params }: Props) {
  return <GroupDetail group={segmentName((await params).group)} />;
}
