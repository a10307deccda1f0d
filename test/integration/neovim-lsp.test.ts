/**
 * `mchard lsp --stdio` under a real editor: Debian's Neovim (0.7, its built-in LSP client), headless.
 * Neovim opens a Debian /etc/memcached.conf copy, starts the server with `vim.lsp.start_client`, and
 * the test's Lua script records the diagnostics Neovim shows, asks for the code actions at MC101,
 * applies the quick fix with Neovim's own `apply_workspace_edit`, writes the buffer and waits for the
 * re-lint. The written file must be what `mchard fix` writes. Skipped, saying so, when `nvim` is not
 * installed (scripts/test-all.sh installs Debian's neovim package).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { BIN, ensureBuilt, runBin, TempDir } from '../cli/helpers.js';

const hasNvim = spawnSync('nvim', ['--version'], { stdio: 'ignore' }).status === 0;
if (!hasNvim) console.warn('skipping the Neovim LSP test: nvim not installed (scripts/test-all.sh installs Debian\'s neovim)');
const describeIfNvim = hasNvim ? describe : describe.skip;

// Neovim 0.7's API: vim.lsp.start_client + buf_attach_client (vim.lsp.start came in 0.8), and
// vim.lsp.diagnostic.get_line_diagnostics to turn Neovim's diagnostics back into LSP ones for a request.
const SCRIPT = String.raw`
local out = { before = {}, after = {} }
local function finish(err)
  if err then out.error = tostring(err) end
  vim.fn.writefile({ vim.fn.json_encode(out) }, os.getenv('MCHARD_OUT'))
  vim.cmd('qall!')
end
local ok, err = pcall(function()
  local file = os.getenv('MCHARD_FILE')
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  local id = vim.lsp.start_client({
    name = 'mchard',
    cmd = { os.getenv('MCHARD_NODE'), os.getenv('MCHARD_BIN'), 'lsp', '--stdio' },
    root_dir = vim.fn.fnamemodify(file, ':h'),
  })
  vim.lsp.buf_attach_client(buf, id)
  local function codes()
    local t = {}
    for _, d in ipairs(vim.diagnostic.get(buf)) do t[#t + 1] = d.code end
    return t
  end
  assert(vim.wait(20000, function() return #vim.diagnostic.get(buf) > 0 end, 50), 'no diagnostics')
  local target
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    out.before[#out.before + 1] = { code = d.code, lnum = d.lnum, col = d.col, end_col = d.end_col, severity = d.severity, source = d.source,
      href = d.user_data and d.user_data.lsp and d.user_data.lsp.codeDescription and d.user_data.lsp.codeDescription.href }
    if d.code == 'MC101' then target = d end
  end
  assert(target, 'no MC101')
  local lsp_diags = vim.tbl_filter(function(d) return d.code == 'MC101' end, vim.lsp.diagnostic.get_line_diagnostics(buf, target.lnum))
  local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, range = lsp_diags[1].range, context = { diagnostics = lsp_diags } }
  local res = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', params, 20000)
  local actions = res[id].result
  out.titles = {}
  local quickfix
  for _, a in ipairs(actions) do
    out.titles[#out.titles + 1] = a.title
    if a.kind == 'quickfix' then quickfix = a end
  end
  vim.lsp.util.apply_workspace_edit(quickfix.edit, 'utf-16')
  vim.cmd('write')
  assert(vim.wait(20000, function() return not vim.tbl_contains(codes(), 'MC101') end, 50), 'MC101 still reported after the fix')
  out.after = codes()
  vim.lsp.stop_client(id)
  vim.wait(5000, function() return vim.lsp.get_client_by_id(id) == nil end, 50)
end)
finish(not ok and err or nil)
`;

let tmp: TempDir;
beforeAll(() => {
  ensureBuilt();
  tmp = new TempDir('mchard-nvim-');
}, 180_000);
afterAll(() => tmp?.cleanup());

describeIfNvim('Neovim as the LSP client', () => {
  it('shows mchard diagnostics, and its quick fix, applied by Neovim, writes what mchard fix writes', () => {
    const text = '# memcached\n-m 64\n-p 11300\n-u memcache\n-l 0.0.0.0\n-U 0\n';
    const file = tmp.write('etc/memcached.conf', text);
    const script = tmp.write('test.lua', SCRIPT);
    const out = tmp.join('out.json');
    const env: Record<string, string | undefined> = { ...process.env, MCHARD_FILE: file, MCHARD_OUT: out, MCHARD_NODE: process.execPath, MCHARD_BIN: BIN, HOME: tmp.path, XDG_STATE_HOME: tmp.join('state'), XDG_DATA_HOME: tmp.join('data') };
    delete env.NODE_EXTRA_CA_CERTS;
    const r = spawnSync('nvim', ['--headless', '--clean', '-n', '-c', `luafile ${script}`], { cwd: tmp.path, env: env as NodeJS.ProcessEnv, encoding: 'utf8', timeout: 90_000 });
    expect(r.error).toBeUndefined();
    const result = JSON.parse(readFileSync(out, 'utf8')) as {
      error?: string;
      before: { code: string; lnum: number; col: number; end_col: number; severity: number; source: string; href: string }[];
      titles: string[];
      after: string[];
    };
    expect(result.error).toBeUndefined();
    expect(result.before).toContainEqual({ code: 'MC101', lnum: 4, col: 0, end_col: 10, severity: 1, source: 'mchard', href: expect.stringMatching(/\/docs\/rules\/MC101\.md$/) });
    expect(result.titles).toEqual(['mchard: listen on 127.0.0.1 only (MC101)', expect.stringMatching(/^mchard: fix all safe problems/)]);
    expect(result.after).not.toContain('MC101');
    // What Neovim wrote is what mchard fix writes.
    const expected = tmp.write('fix/etc/memcached.conf', text);
    expect(runBin(['fix', '--yes', '--no-restart', '--no-backup', expected]).err).toBe('');
    expect(readFileSync(file, 'utf8')).toBe(readFileSync(expected, 'utf8'));
  }, 120_000);
});
