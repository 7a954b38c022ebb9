import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const client = fileURLToPath(new URL('../../client/', import.meta.url));

/** Every script of a build, as one text. */
function scriptsOf(dist: string): string {
  const assets = `${client}${dist}/assets`;
  if (!existsSync(assets)) throw new Error(`${dist} is not built: npm test builds it first`);
  const files = readdirSync(assets).filter((f) => f.endsWith('.js'));
  expect(files.length).toBeGreaterThan(0);
  return files.map((f) => readFileSync(`${assets}/${f}`, 'utf8')).join('\n');
}

describe('the page bundles', () => {
  it('the production build (client/dist) carries no test hook; the browser tests build (client/dist-test) does', () => {
    expect(scriptsOf('dist')).not.toContain('__cercle');
    expect(scriptsOf('dist-test')).toContain('__cercle');
  });
});
