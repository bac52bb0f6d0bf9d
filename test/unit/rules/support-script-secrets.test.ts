import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maskScriptSecrets } from '../../../src/core/rules/support/script-secrets';
import { GITHUB_PAT } from './fake-secrets';
import { randomAlnum } from './helpers';

const KEY = randomAlnum(32, 501);
const SHORT = randomAlnum(10, 502);

describe('support/script-secrets: maskScriptSecrets', () => {
  const CASES: [string, string, string][] = [
    ['assignment', `API_KEY=${KEY} node server.js`, `API_KEY=…${KEY.slice(-4)} node server.js`],
    ['export', `export TOKEN="${KEY}"; exec node x.js`, `export TOKEN="…${KEY.slice(-4)}"; exec node x.js`],
    ['short secret by name', `DB_PASSWORD=${SHORT} node x.js`, 'DB_PASSWORD=**** node x.js'],
    ['flag and value', `node x.js --api-key ${KEY} --port 3000`, `node x.js --api-key …${KEY.slice(-4)} --port 3000`],
    ['flag=value', `node x.js --client-secret=${KEY}`, `node x.js --client-secret=…${KEY.slice(-4)}`],
    ['header', `curl -H "Authorization: Bearer ${KEY}" https://x.example.com`, `curl -H "Authorization: Bearer …${KEY.slice(-4)}" https://x.example.com`],
    ['pwsh', `$env:API_KEY = '${KEY}'; node x.js`, `$env:API_KEY = '…${KEY.slice(-4)}'; node x.js`],
    ['cmd set', `set "API_KEY=${KEY}" && node x.js`, `set "API_KEY=…${KEY.slice(-4)}" && node x.js`],
    ['url password and query', `node x.js https://me:${KEY}@h.example.com/p?token=${SHORT}&a=1`, `node x.js https://me:…${KEY.slice(-4)}@h.example.com/p?token=****&a=1`],
    ['random word', `node x.js ${KEY}`, `node x.js …${KEY.slice(-4)}`],
    ['provider token', `GH=${GITHUB_PAT} node x.js`, `GH=ghp_…${GITHUB_PAT.slice(-4)} node x.js`],
  ];
  for (const [name, script, want] of CASES) {
    it(name, () => assert.equal(maskScriptSecrets(script), want));
  }

  it('leaves references, paths, versions and ordinary words alone', () => {
    const script = 'API_KEY=$API_KEY TOKEN=${TOKEN} PASS=%PASS% cd /srv/app && npx -y @scope/pkg@1.2.3 --token "$(cat /run/secrets/t)" --port 3000 > /tmp/log.txt';
    assert.equal(maskScriptSecrets(script), script);
  });
});
