/**
 * `mchard audit --ruleset FILE` on a real memcached process (listening on the wildcard address, TCP and
 * UDP, on ports chosen at run time; nothing is sent to it): saved nftables JSON and iptables-save text, the
 * findings each verdict gives (MC951, MC953, MC954), the text and JSON output, the suggested rules, and the
 * errors for a bad file or flag.
 */
import { errorLines, NO_STACK, run, TempDir } from '../../cli/helpers.js';
import { freePorts, haveMemcached, startMemcached, stopAll, type Started } from '../memcached.js';

const describeReal = haveMemcached ? describe : describe.skip;

interface Doc {
  files: {
    findings: { ruleId: string; severity: string; message: string }[];
    process: { firewall: { socket: string; verdict: string; from: string[]; reason: string }[] | null; firewallSuggestion: string | null };
  }[];
}

const nftJson = (rules: unknown[][], policy = 'drop') =>
  JSON.stringify({
    nftables: [
      { metainfo: { version: '1.0.6', json_schema_version: 1 } },
      { table: { family: 'inet', name: 'filter', handle: 1 } },
      { chain: { family: 'inet', table: 'filter', name: 'input', handle: 1, type: 'filter', hook: 'input', prio: 0, policy } },
      ...rules.map((expr, i) => ({ rule: { family: 'inet', table: 'filter', chain: 'input', handle: i + 2, expr } })),
    ],
  });

const saddr = (addr: string, len: number) => ({ match: { op: '==', left: { payload: { protocol: 'ip', field: 'saddr' } }, right: { prefix: { addr, len } } } });

describeReal('mchard audit --ruleset', () => {
  let tmp: TempDir;
  let mc: Started;
  let port = 0;
  beforeAll(async () => {
    tmp = new TempDir('mchard-ruleset-');
    [port] = freePorts(1, 50000, 54999);
    mc = await startMemcached(['-u', 'nobody', '-m', '16', '-l', '0.0.0.0', '-p', String(port), '-U', String(port)], 2);
  });
  afterAll(async () => {
    await stopAll();
    tmp.cleanup();
  });

  const audit = async (file: string, extra: string[] = []) => {
    const r = await run(['audit', '--format', 'json', '--pid', String(mc.pid), '--ruleset', file, ...extra]);
    expect(r.err).toBe('');
    return (JSON.parse(r.out) as Doc).files[0];
  };
  const ids = (f: Doc['files'][0]) => f.findings.filter((x) => x.ruleId >= 'MC95').map((x) => `${x.ruleId} ${x.severity}`);

  it('restricted: MC951 names the sources, a warning outside the trusted networks and an info inside', async () => {
    const file = tmp.write('restricted.json', nftJson([[saddr('10.0.0.0', 8), { accept: null }], [saddr('192.0.2.0', 24), { accept: null }]]));
    const f = await audit(file, ['--trusted-network', '10.0.0.0/8']);
    expect(f.process.firewall).toEqual([
      { socket: `tcp 0.0.0.0:${port}`, verdict: 'restricted', from: ['10.0.0.0/8', '192.0.2.0/24'], reason: `${tmp.join('restricted.json')} accepts new connections only from 10.0.0.0/8, 192.0.2.0/24` },
      { socket: `udp 0.0.0.0:${port}`, verdict: 'restricted', from: ['10.0.0.0/8', '192.0.2.0/24'] },
    ].map((x) => expect.objectContaining(x)));
    const reach = f.findings.filter((x) => x.ruleId === 'MC951');
    expect(reach).toEqual([
      expect.objectContaining({ severity: 'warning', message: `tcp 0.0.0.0:${port}, udp 0.0.0.0:${port}: the packet filter accepts new connections from 192.0.2.0/24, outside the trusted networks` }),
      expect.objectContaining({ severity: 'info', message: `tcp 0.0.0.0:${port}, udp 0.0.0.0:${port}: the packet filter accepts new connections from 10.0.0.0/8, inside the trusted networks` }),
    ]);
    // UDP allowed from outside the trusted networks: MC954 (and MC953 still: the socket is reachable).
    expect(f.findings.find((x) => x.ruleId === 'MC954')?.message).toBe(
      `the packet filter accepts UDP to udp 0.0.0.0:${port} from 192.0.2.0/24 (outside the trusted networks): memcached answers UDP without a handshake, so it can be used to amplify traffic at spoofed victims`,
    );
    expect(ids(f)).toContain('MC953 error');
    // The suggestion restricts to the trusted networks (192.0.2.0/24 is outside them).
    expect(f.process.firewallSuggestion).toContain(`meta nfproto ipv4 tcp dport ${port} ip saddr != { 10.0.0.0/8 } drop`);
    expect(f.process.firewallSuggestion).toContain(`meta nfproto ipv4 udp dport ${port} ip saddr != { 10.0.0.0/8 } drop`);
  });

  it('closed: MC951 is an info, and no UDP finding', async () => {
    const f = await audit(tmp.write('closed.json', nftJson([])));
    expect(f.process.firewall!.map((x) => x.verdict)).toEqual(['closed', 'closed']);
    expect(ids(f)).toEqual(['MC951 info']);
    expect(f.findings[0].message).toBe(`tcp 0.0.0.0:${port}, udp 0.0.0.0:${port} are bound to the network, but the packet filter drops new connections (${tmp.join('closed.json')} drops every new connection to it)`);
    expect(f.process.firewallSuggestion).toBeNull();
  });

  it('open: MC951 keeps its severity; the suggestion follows --allow', async () => {
    const f = await audit(tmp.write('open.json', nftJson([], 'accept')), ['--allow', '10.1.0.0/16,192.0.2.0/24']);
    expect(ids(f)).toEqual(expect.arrayContaining(['MC951 error', 'MC953 error', 'MC954 error']));
    expect(f.findings.find((x) => x.ruleId === 'MC951')!.message).toMatch(/bound to the wildcard address: reachable from every network this host is on .*; the packet filter accepts new connections from any address$/);
    expect(f.process.firewallSuggestion).toBe(
      [
        `# mchard: restricts memcached pid ${mc.pid}'s tcp 0.0.0.0:${port}, udp 0.0.0.0:${port} to 10.1.0.0/16, 192.0.2.0/24.`,
        '# A suggestion for review: load it with "nft -f FILE" once it is right; mchard never changes the packet filter.',
        'table inet mchard_memcached {',
        '\tchain input {',
        '\t\ttype filter hook input priority -10; policy accept;',
        '\t\tiifname "lo" accept',
        `\t\tmeta nfproto ipv4 tcp dport ${port} ip saddr != { 10.1.0.0/16, 192.0.2.0/24 } drop`,
        `\t\tmeta nfproto ipv4 udp dport ${port} ip saddr != { 10.1.0.0/16, 192.0.2.0/24 } drop`,
        '\t}',
        '}',
        '',
      ].join('\n'),
    );
    const text = await run(['audit', '--pid', String(mc.pid), '--ruleset', tmp.join('open.json'), '--allow', '10.1.0.0/16']);
    expect(text.out).toContain(`  listens on: tcp 0.0.0.0:${port}  firewall: open (from 0.0.0.0/0)`);
    expect(text.out).toContain(`              udp 0.0.0.0:${port}  firewall: open (from 0.0.0.0/0)`);
    expect(text.out).toContain('  suggested packet-filter rules (not applied):\n    # mchard: restricts memcached pid');
    expect(text.out).toContain(`        meta nfproto ipv4 tcp dport ${port} ip saddr != { 10.1.0.0/16 } drop`);
  });

  it('unknown: an expression mchard does not evaluate is named, and MC951 says so', async () => {
    const f = await audit(tmp.write('limit.json', nftJson([[saddr('10.0.0.0', 8), { accept: null }], [{ limit: { rate: 5, per: 'minute' } }, { accept: null }]])));
    expect(f.process.firewall![0]).toMatchObject({ verdict: 'unknown', from: ['10.0.0.0/8'] });
    expect(f.process.firewall![0].reason).toBe(`${tmp.join('limit.json')}: not decided: limit {"rate":5,"per":"minute"} is not evaluated: rule "limit {"rate":5,"per":"minute"} accept" in chain inet filter input; accepted for certain from 10.0.0.0/8`);
    expect(f.findings.find((x) => x.ruleId === 'MC951')!.message).toContain(`; packet filter unknown: ${tmp.join('limit.json')}: not decided: limit`);
    const text = await run(['audit', '--pid', String(mc.pid), '--ruleset', tmp.join('limit.json')]);
    expect(text.out).toContain(`  listens on: tcp 0.0.0.0:${port}  firewall: unknown\n                ${tmp.join('limit.json')}: not decided: limit`);
  });

  it('iptables-save text (legacy) is read too', async () => {
    const file = tmp.write(
      'rules.v4',
      `# Generated by iptables-save v1.8.9\n*filter\n:INPUT DROP [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n-A INPUT -s 10.2.0.0/16 -p tcp -m tcp --dport ${port} -j ACCEPT\nCOMMIT\n`,
    );
    const f = await audit(file);
    expect(f.process.firewall!.map((x) => [x.verdict, x.from])).toEqual([
      ['restricted', ['10.2.0.0/16']],
      ['closed', []],
    ]);
  });

  it('a malformed or unreadable ruleset is one line and exit 2; contradicting flags are usage errors', async () => {
    const cases: [string, string, RegExp][] = [
      ['bad.json', '{"nftables": [{"rule": {"family": "inet", "table": "t", "chain": "nope", "expr": []}}]}', /^mchard: .*bad\.json: a rule in chain inet t nope, which the ruleset does not define$/],
      ['notjson.json', '{"nftables": [', /^mchard: .*notjson\.json: not valid nft JSON: invalid JSON: the text ends before the JSON value does$/],
      // The text of the file is never quoted back (a link could make it another file).
      ['secret.json', '{ s3cretvalue', /^mchard: .*secret\.json: not valid nft JSON: invalid JSON at line 1, column 3$/],
      ['other.txt', 'table inet filter {\n}\n', /^mchard: .*other\.txt: neither "nft -j list ruleset" JSON nor iptables-save output$/],
      ['bad.v4', '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -s\nCOMMIT\n', /^mchard: .*bad\.v4: line 3: -s without a value$/],
    ];
    for (const [name, content, expected] of cases) {
      const r = await run(['audit', '--pid', String(mc.pid), '--ruleset', tmp.write(name, content)]);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(errorLines(r.err)).toHaveLength(1);
      expect(r.err.trim()).toMatch(expected);
      expect(r.err).not.toMatch(NO_STACK);
    }
    const missing = await run(['audit', '--pid', String(mc.pid), '--ruleset', tmp.join('absent.json')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toBe(`mchard: ${tmp.join('absent.json')}: ENOENT\n`);
    expect((await run(['audit', '--pid', String(mc.pid), '--ruleset', tmp.path])).err).toBe(`mchard: ${tmp.path} is not a regular file\n`);
    expect((await run(['audit', '--allow', 'banana'])).code).toBe(2);
    expect((await run(['audit', '--ruleset', 'x', '--no-firewall'])).err).toContain('--ruleset and --no-firewall contradict each other');
  });
});
