// Access control page: users and policies (ACL 2.0) or plain_acl.yml accounts (ACL 1.0) of the chosen cluster.
import type { Metadata } from 'next';
import { AclPage } from '@/components/acl/acl-page';

export const metadata: Metadata = { title: 'Access control' };

export default function AccessControlPage() {
  return <AclPage />;
}
