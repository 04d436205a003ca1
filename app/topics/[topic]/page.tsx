// Topic detail page.
import type { Metadata } from 'next';
import { TopicDetail } from '@/components/topics/topic-detail';
import { segmentName } from '@/components/segment';

type Props = { params: Promise<{ topic: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: segmentName((await params).topic) };
}

export default async function TopicPage({ params }: Props) {
  return <TopicDetail topic={segmentName((await params).topic)} />;
}
