/**
 * Generates a legacy KiloCode `.kilocode/mcp.json` with `n` servers in a realistic mix: pinned and
 * unpinned npx/uvx/docker servers, remote ones, env blocks with references and some plain secrets,
 * auto-approve lists. Deterministic for a given n.
 */
export function generateConfig(n: number): string {
  const servers: Record<string, unknown> = {};
  const fake = (prefix: string, len: number, seed: number) => {
    const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    let s = prefix;
    for (let i = 0; i < len; i++) s += chars[(seed * 31 + i * 17 + ((seed >> 3) ^ i)) % chars.length];
    return s;
  };
  for (let i = 0; i < n; i++) {
    const kind = i % 10;
    const name = `server-${i}`;
    if (kind <= 3) {
      servers[name] = {
        command: 'npx',
        args: ['-y', kind === 0 ? `@modelcontextprotocol/server-github` : `@modelcontextprotocol/server-filesystem@2025.7.${i % 30}`, `/home/user/projects/p${i}`],
        env: kind === 1 ? { GITHUB_PERSONAL_ACCESS_TOKEN: fake('ghp_', 36, i) } : { GITHUB_PERSONAL_ACCESS_TOKEN: '${env:GITHUB_TOKEN}', LOG_LEVEL: 'info' },
        alwaysAllow: kind === 2 ? ['read_file', 'list_directory', 'write_file'] : ['read_file'],
        disabled: false,
        timeout: 60,
      };
    } else if (kind <= 5) {
      servers[name] = { command: 'uvx', args: [kind === 4 ? 'mcp-server-fetch' : `mcp-server-git==0.6.${i % 9}`, '--repository', `/srv/repo${i}`], env: { PYTHONUNBUFFERED: '1' } };
    } else if (kind === 6) {
      servers[name] = {
        command: 'docker',
        args: ['run', '-i', '--rm', '-e', 'GITHUB_PERSONAL_ACCESS_TOKEN', i % 20 === 6 ? '--privileged' : '--read-only', `ghcr.io/github/github-mcp-server:v0.${i % 12}.0`],
        env: { GITHUB_PERSONAL_ACCESS_TOKEN: '${env:GITHUB_TOKEN}' },
      };
    } else if (kind === 7) {
      servers[name] = { type: 'streamable-http', url: i % 20 === 7 ? `http://mcp${i}.example.com/mcp` : `https://mcp${i}.example.com/mcp`, headers: { Authorization: 'Bearer ${env:MCP_TOKEN}' } };
    } else if (kind === 8) {
      servers[name] = { type: 'sse', url: `https://api${i}.example.net/sse`, headers: { 'X-Api-Key': fake('', 40, i) }, alwaysAllow: ['*'] };
    } else {
      servers[name] = { command: 'node', args: [`/opt/mcp/server-${i}/dist/index.js`, '--port', String(3000 + (i % 1000))], cwd: '/opt/mcp', env: { NODE_ENV: 'production' } };
    }
  }
  return JSON.stringify({ mcpServers: servers }, null, 2);
}
