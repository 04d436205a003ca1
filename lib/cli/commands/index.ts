// The table of top-level rocketdeck commands; each lives in its own file in this folder.

import type { CommandSpec } from '../framework.ts';
import { adminCommand } from './admin.ts';
import { brokerCommand } from './broker.ts';
import { consoleCommand } from './console.ts';
import { consumeCommand } from './consume.ts';
import { demoTrafficCommand } from './demo-traffic.ts';
import { namesrvCommand } from './namesrv.ts';
import { nodeCommand } from './node.ts';
import { produceCommand } from './produce.ts';
import { upCommand } from './up.ts';
import { versionCommand } from './version.ts';

export const COMMANDS: CommandSpec[] = [adminCommand, brokerCommand, consoleCommand, consumeCommand, demoTrafficCommand, namesrvCommand, nodeCommand, produceCommand, upCommand, versionCommand];
