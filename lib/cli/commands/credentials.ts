// --access-key / --secret-key: ACL credentials for commands that talk to a secured cluster.

import type { OptionSpec } from '../framework.ts';

export const CREDENTIAL_OPTIONS: Record<string, OptionSpec> = {
  'access-key': { type: 'string', valueName: 'AK', description: 'ACL access key requests are signed with (default: $ROCKETMQ_ACCESS_KEY)' },
  'secret-key': { type: 'string', valueName: 'SK', description: 'ACL secret key (default: $ROCKETMQ_SECRET_KEY; prefer the variable: arguments show in ps)' },
};
