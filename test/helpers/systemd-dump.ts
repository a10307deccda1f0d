/** Reading what `systemd --test` dumps of a unit. */

/** Reads systemd's quoted "Command Line:" back into words. */
export function unquoteDump(line: string): string[] {
  const out: string[] = [];
  const esc: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v' };
  let k = 0;
  while (k < line.length) {
    if (line[k] === ' ') {
      k++;
      continue;
    }
    let w = '';
    if (line[k] === '"') {
      k++;
      while (k < line.length && line[k] !== '"') {
        if (line[k] === '\\') {
          const c = line[k + 1];
          if (c === 'x') {
            w += String.fromCharCode(parseInt(line.slice(k + 2, k + 4), 16));
            k += 4;
            continue;
          }
          w += esc[c] ?? c;
          k += 2;
          continue;
        }
        w += line[k++];
      }
      k++;
    } else {
      while (k < line.length && line[k] !== ' ') w += line[k++];
    }
    out.push(w);
  }
  return out;
}
