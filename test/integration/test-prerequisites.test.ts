import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../../scripts/test-prerequisites.mjs', import.meta.url));
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'cercle-prereq-'));
  chmodSync(dir, 0o755);
  dirs.push(dir);
  return dir;
};

/** The pre-test step as npm runs it, with its own PATH and environment (no stdin: not interactive). */
function prerequisites(env: Record<string, string>, uid?: number) {
  const run = spawnSync(process.execPath, [script], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    ...(uid === undefined ? {} : { uid, gid: uid }),
  });
  return { status: run.status, stderr: run.stderr, stdout: run.stdout };
}

describe('the pre-test step (scripts/test-prerequisites.mjs)', () => {
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('[OP-5] says nothing and goes on when redis-server and Chromium are there (this machine)', () => {
    const run = prerequisites({ PATH: process.env.PATH ?? '' });
    expect(run).toEqual({ status: 0, stdout: '', stderr: '' });
  });

  it('[OP-5] a CHROMIUM_PATH that is not there stops it with one line naming the setting', () => {
    const run = prerequisites({ PATH: process.env.PATH ?? '', CHROMIUM_PATH: '/nowhere/chromium' });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('CHROMIUM_PATH=/nowhere/chromium');
  });

  it('[OP-5] as a user who cannot install, stops with one line naming the apt-get command', () => {
    // An empty PATH: no redis-server, no apt-get, no sudo; Chromium is "there" (any executable will do).
    const empty = tempDir();
    const run = prerequisites({ PATH: empty, CHROMIUM_PATH: process.execPath }, 65534);
    expect(run.status).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('`sudo apt-get update && sudo apt-get install -y redis-server`');
  });

  it('[OP-5] as root, runs apt-get update once, then installs what is missing, without a question', () => {
    // apt-get stands in for Debian's here (the real one would change this shared machine): it records
    // how it was called and "installs" redis-server into the PATH.
    const bin = tempDir();
    const log = join(bin, 'apt.log');
    writeFileSync(
      join(bin, 'apt-get'),
      `#!/bin/sh\necho "$DEBIAN_FRONTEND $*" >> "${log}"\n` +
        `if [ "$1" = install ]; then printf '#!/bin/sh\\n' > "${bin}/redis-server"; /bin/chmod +x "${bin}/redis-server"; fi\n`,
    );
    chmodSync(join(bin, 'apt-get'), 0o755);
    const run = prerequisites({ PATH: bin, CHROMIUM_PATH: process.execPath });
    expect(run.status).toBe(0);
    expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual([
      'noninteractive update -qq',
      'noninteractive install -y -qq --no-install-recommends redis-server',
    ]);
  });
});
