/**
 * What is wrong with a text JSON.parse refused, without any of the text itself. Node's messages quote the
 * first characters of the input (`Unexpected token 'r', "root:$y$j9"... is not valid JSON`): for a file
 * a symbolic link made point elsewhere (a baseline in a repository pointing at /etc/shadow) that would
 * print the other file's first bytes. Only the position is kept, as a line and column.
 */
export function jsonProblem(e: unknown, text: string): string {
  const message = e instanceof Error ? e.message : '';
  if (/Unexpected end of JSON input/.test(message)) return 'invalid JSON: the text ends before the JSON value does';
  const m = /at position (\d+)/.exec(message);
  if (!m) return 'invalid JSON';
  const pos = Math.min(Number(m[1]), text.length);
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < pos; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return `invalid JSON at line ${line}, column ${pos - start + 1}`;
}
