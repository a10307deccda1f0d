/**
 * The `-l` list syntax of server_sockets() (memcached.c 1.6.18 and 1.6.45; prefixes by version from git
 * history: notls 1.5.13, proto[]/tag[] 1.6.17, tag_x_ 1.6.23, btls/mtls 1.6.30, -Y refusing binary 1.6.43).
 */
import { parseListenList, type ListenEntry } from '../../src/memcached/listen.js';
import { v } from '../helpers/argv.js';

function parse(list: string, opts: { ssl?: boolean; auth?: boolean; version?: string } = {}): ListenEntry[] {
  return parseListenList(list, { sslEnabled: opts.ssl ?? false, authFile: opts.auth ?? false, version: v(opts.version ?? '1.6.18') });
}

function one(list: string, opts: { ssl?: boolean; auth?: boolean; version?: string } = {}): ListenEntry {
  const r = parse(list, opts);
  expect(r).toHaveLength(1);
  return r[0];
}

describe('-l: splitting', () => {
  it('splits on "," and ";" (strtok_r), keeping offsets', () => {
    const r = parse('127.0.0.1,::1;[::1]:5');
    expect(r.map((e) => [e.text, e.offset, e.host, e.port])).toEqual([
      ['127.0.0.1', 0, '127.0.0.1', null],
      ['::1', 10, '::1', null],
      ['[::1]:5', 14, '::1', 5],
    ]);
  });

  it('skips empty fields: ",127.0.0.1,,;" is one entry, "," none', () => {
    expect(parse(',127.0.0.1,,;')).toHaveLength(1);
    expect(parse(',')).toHaveLength(0);
    expect(parse('')).toHaveLength(0);
  });
});

describe('-l: hosts and ports', () => {
  it('reads host:port', () => {
    expect(one('127.0.0.1:11300')).toMatchObject({ host: '127.0.0.1', port: 11300, error: null });
    expect(one('localhost:11300')).toMatchObject({ host: 'localhost', port: 11300 });
  });

  it('takes a bare IPv6 address as a host without port (more than one colon)', () => {
    expect(one('::1')).toMatchObject({ host: '::1', port: null, error: null });
    expect(one('fe80::1:11211')).toMatchObject({ host: 'fe80::1:11211', port: null });
  });

  it('reads [v6] and [v6]:port', () => {
    expect(one('[::1]:11211')).toMatchObject({ host: '::1', port: 11211, error: null });
    expect(one('[::1]')).toMatchObject({ host: '::1', port: null });
  });

  it('refuses an unclosed bracket', () => {
    expect(one('[::1').error).toBe('Invalid IPV6 address: "[::1"');
  });

  it('treats "*" as every address', () => {
    expect(one('*')).toMatchObject({ host: null, port: null });
    expect(one('*:11300')).toMatchObject({ host: null, port: 11300 });
  });

  it('refuses a port safe_strtol cannot read', () => {
    expect(one('127.0.0.1:abc').error).toBe('Invalid port number: "abc"');
    expect(one('127.0.0.1:').error).toBe('Invalid port number: ""');
    expect(one('127.0.0.1:80x').error).toBe('Invalid port number: "80x"');
  });

  it('accepts ports safe_strtol reads, truncated to int32', () => {
    expect(one('127.0.0.1:70000').port).toBe(70000);
    expect(one('127.0.0.1:-1').port).toBe(-1);
    expect(one('127.0.0.1:4294978507').port).toBe(11211);
  });
});

describe('-l: TLS prefixes', () => {
  it('refuses notls without -Z (exit 71 later) and accepts it with -Z', () => {
    expect(one('notls:127.0.0.1:11211').error).toBe("'notls' option is valid only when SSL is enabled");
    expect(one('notls:127.0.0.1:11211', { ssl: true })).toMatchObject({ tls: 'notls', host: '127.0.0.1', port: 11211, error: null });
  });

  it('has no notls prefix before 1.5.13: "notls" is a host and the address a bad port', () => {
    expect(one('notls:127.0.0.1', { version: '1.5.12' })).toMatchObject({ tls: 'default', error: 'Invalid port number: "127.0.0.1"' });
  });

  it('knows btls and mtls from 1.6.30 (the mtls message says "otls")', () => {
    expect(one('btls:127.0.0.1', { version: '1.6.30' }).error).toBe("'btls' option is valid only when SSL is enabled");
    expect(one('mtls:127.0.0.1', { version: '1.6.30' }).error).toBe("'otls' option is valid only when SSL is enabled");
    expect(one('mtls:127.0.0.1:5', { version: '1.6.30', ssl: true })).toMatchObject({ tls: 'mtls', host: '127.0.0.1', port: 5 });
  });

  it('reads btls on 1.6.18 as an ordinary host', () => {
    expect(one('btls:127.0.0.1:5', { ssl: true })).toMatchObject({ tls: 'default', host: 'btls:127.0.0.1:5', port: null });
  });

  it('matches the prefix with a raw strncmp: a host named "notlsbox" loses 6 characters', () => {
    expect(one('notlsbox.example', { ssl: true })).toMatchObject({ tls: 'notls', host: 'ox.example' });
  });
});

describe('-l: proto[] and tag[] (1.6.17+)', () => {
  it('reads proto[ascii]: and prefixes of the protocol names', () => {
    expect(one('proto[ascii]:127.0.0.1:11211')).toMatchObject({ protocol: 'ascii', host: '127.0.0.1', port: 11211 });
    expect(one('proto[bin]:127.0.0.1')).toMatchObject({ protocol: 'binary', host: '127.0.0.1' });
    expect(one('proto[]:127.0.0.1').protocol).toBe('ascii'); // strncmp with length 0 matches the first name
    expect(one('proto[neg]:127.0.0.1').protocol).toBe('negotiating');
  });

  it('keeps -B for an unknown protocol name', () => {
    expect(one('proto[http]:127.0.0.1')).toMatchObject({ protocol: null, host: '127.0.0.1', error: null });
  });

  it('refuses proxy listeners and unclosed brackets', () => {
    expect(one('proto[proxy]:127.0.0.1').error).toMatch(/proxy/i);
    expect(one('proto[ascii:127.0.0.1').error).toMatch(/^Invalid protocol spec/);
  });

  it('reads tag[name]: of 1 to 8 characters', () => {
    expect(one('tag[web]:127.0.0.1:11211')).toMatchObject({ tag: 'web', host: '127.0.0.1', port: 11211 });
    expect(one('tag[abcdefghi]:127.0.0.1').error).toMatch(/between 1 and 8/);
    expect(one('tag[]:127.0.0.1').error).toMatch(/between 1 and 8/);
    expect(one('proto[ascii]:tag[x]:[::1]:5')).toMatchObject({ protocol: 'ascii', tag: 'x', host: '::1', port: 5 });
  });

  it('knows tag_name_ only from 1.6.23', () => {
    expect(one('tag_web_:127.0.0.1', { version: '1.6.23' })).toMatchObject({ tag: 'web', host: '127.0.0.1', error: null });
    expect(one('tag_web_:127.0.0.1', { version: '1.6.22' })).toMatchObject({ tag: null, error: 'Invalid port number: "127.0.0.1"' });
  });

  it('has no prefixes before 1.6.17', () => {
    expect(one('tag[x]:127.0.0.1:5', { version: '1.6.16' })).toMatchObject({ tag: null, host: 'tag[x]:127.0.0.1:5', port: null });
  });

  it('with -Y refuses binary listeners and makes negotiating ones ascii only from 1.6.43', () => {
    expect(one('proto[binary]:127.0.0.1', { auth: true, version: '1.6.43' }).error).toBe(
      'Cannot use binary protocol when ascii authentication enabled',
    );
    expect(one('proto[negotiating]:127.0.0.1', { auth: true, version: '1.6.43' }).protocol).toBe('ascii');
    expect(one('proto[binary]:127.0.0.1', { auth: true, version: '1.6.42' })).toMatchObject({ protocol: 'binary', error: null });
    expect(one('proto[negotiating]:127.0.0.1', { auth: true, version: '1.6.42' }).protocol).toBe('negotiating');
  });
});
