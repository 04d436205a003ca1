// Rules and channels from a YAML or JSON file (ROCKETDECK_ALERTS_FILE, for GitOps): a bad file is refused whole,
// naming the line and the field of the first problem.
//
//   channels:
//     - { id: ops, format: slack, url: https://hooks.slack.com/..., retries: 3, backoff: 2s }
//   rules:
//     - { id: lag, kind: group_lag, severity: warning, for: 5m, scope: { group: "order-*" }, thresholds: { messages: 10000 } }

import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isMap, type Document } from 'yaml';
import { AlertConfigError, parseChannel, parseRule, type AlertChannel, type AlertRule } from './rules.ts';

export interface AlertsFile {
  rules: AlertRule[];
  channels: AlertChannel[];
}

/** "rules[1].scope.group" -> ['rules', 1, 'scope', 'group'] */
function pathOf(field: string): Array<string | number> {
  const out: Array<string | number> = [];
  for (const m of field.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  return out;
}

/** The line of the deepest node the field path reaches in the document. */
function lineOf(doc: Document, lc: LineCounter, field: string): number | undefined {
  const path = pathOf(field);
  for (let n = path.length; n > 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === 'object' && node.range) return lc.linePos(node.range[0]).line;
    // an unknown or missing key: point at the pair's key when there is one
    const parent = doc.getIn(path.slice(0, n - 1), true);
    if (isMap(parent)) {
      const pair = parent.items.find((p) => (p.key as { value?: unknown } | null)?.value === path[n - 1]);
      const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
      if (range) return lc.linePos(range[0]).line;
    }
  }
  return undefined;
}

/** Parses file text (YAML, of which JSON is a subset). */
export function parseAlertsText(text: string, name = 'alerts file'): AlertsFile {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const line = lc.linePos(e.pos[0]).line;
    throw new AlertConfigError(`${name} is not valid YAML/JSON: ${e.message.split('\n')[0]}`, '(syntax)', line);
  }
  const data: unknown = doc.toJS();
  try {
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new AlertConfigError('must be a mapping with rules and channels', '(top)');
    const o = data as Record<string, unknown>;
    for (const k of Object.keys(o)) if (k !== 'rules' && k !== 'channels') throw new AlertConfigError('unknown key (known: rules, channels)', k);
    const list = (k: 'rules' | 'channels'): unknown[] => {
      if (o[k] === undefined || o[k] === null) return [];
      if (!Array.isArray(o[k])) throw new AlertConfigError('must be a list', k);
      return o[k] as unknown[];
    };
    const channels = list('channels').map((c, i) => parseChannel(c, `channels[${i}]`));
    const rules = list('rules').map((r, i) => parseRule(r, `rules[${i}]`));
    const seen = new Set<string>();
    rules.forEach((r, i) => {
      if (seen.has(r.id)) throw new AlertConfigError(`duplicate rule id '${r.id}'`, `rules[${i}].id`);
      seen.add(r.id);
      r.channels.forEach((c, j) => {
        if (!channels.some((ch) => ch.id === c)) throw new AlertConfigError(`no channel '${c}' in this file`, `rules[${i}].channels[${j}]`);
      });
    });
    return { rules, channels };
  } catch (err) {
    if (err instanceof AlertConfigError && err.line === undefined) {
      throw new AlertConfigError(err.message.slice(err.field.length + 2), err.field, lineOf(doc, lc, err.field));
    }
    throw err;
  }
}

export function loadAlertsFile(path: string): AlertsFile {
  return parseAlertsText(readFileSync(path, 'utf8'), path);
}
