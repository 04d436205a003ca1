// Java .properties text with line numbers (for config-file errors that point at a line) and its writer.
// Same reading rules as lib/protocol/bodies/properties.ts (which reads remoting bodies into a Map); config files
// use this one so an unknown or malformed key can be reported as `file:line`.

export interface PropertyLine {
  key: string;
  value: string;
  /** 1-based line where the entry starts, for error messages. */
  line: number;
}

/**
 * Parses .properties text into entries in file order (a repeated key appears twice; the last one wins when
 * collected into a map). Rules: '#' or '!' starts a comment line; a line ending in an odd number of
 * backslashes continues on the next line (its leading blanks dropped); the key ends at the first unescaped
 * '=', ':' or blank; escapes \t \n \r \f \uXXXX, and a backslash before any other char keeps that char.
 */
export function parseProperties(text: string): PropertyLine[] {
  const out: PropertyLine[] = [];
  const physical = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < physical.length; i++) {
    const startLine = i + 1;
    let line = physical[i].replace(/^[ \t\f]+/, '');
    if (line === '' || line[0] === '#' || line[0] === '!') continue;
    while (endsWithOddBackslashes(line) && i + 1 < physical.length) {
      line = line.slice(0, -1) + physical[++i].replace(/^[ \t\f]+/, '');
    }
    if (endsWithOddBackslashes(line)) line = line.slice(0, -1);
    let k = 0;
    while (k < line.length) {
      const c = line[k];
      if (c === '\\') k += 2;
      else if (c === '=' || c === ':' || c === ' ' || c === '\t' || c === '\f') break;
      else k++;
    }
    const rawKey = line.slice(0, Math.min(k, line.length));
    let v = k;
    while (v < line.length && /[ \t\f]/.test(line[v])) v++;
    if (v < line.length && (line[v] === '=' || line[v] === ':')) v++;
    while (v < line.length && /[ \t\f]/.test(line[v])) v++;
    out.push({ key: unescape(rawKey), value: unescape(line.slice(v)), line: startLine });
  }
  return out;
}

function endsWithOddBackslashes(s: string): boolean {
  let n = 0;
  for (let i = s.length - 1; i >= 0 && s[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

function unescape(s: string): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== '\\' || i + 1 >= s.length) {
      out += c;
      continue;
    }
    const e = s[++i];
    if (e === 't') out += '\t';
    else if (e === 'n') out += '\n';
    else if (e === 'r') out += '\r';
    else if (e === 'f') out += '\f';
    else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(s.slice(i + 1, i + 5))) {
      out += String.fromCharCode(parseInt(s.slice(i + 1, i + 5), 16));
      i += 4;
    } else out += e;
  }
  return out;
}

/** `key=value\n` per entry, unescaped, as RocketMQ's MixAll.properties2String writes GET_*_CONFIG bodies. */
export function formatProperties(entries: Iterable<readonly [string, string | number | boolean]>): string {
  let out = '';
  for (const [k, v] of entries) out += `${k}=${v}\n`;
  return out;
}
