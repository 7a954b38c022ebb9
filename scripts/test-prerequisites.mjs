// Runs before `npm test` (npm's pretest) and in .ci/run: the tests need `redis-server` and Chromium.
// When one is missing it is installed with apt-get if that can happen without a question (as root, or
// with password-less sudo; `apt-get update` once first); otherwise this stops with one line naming the
// command to run. Plain Node, no dependency: it runs before `npm ci` too.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

const debianChromium = '/usr/bin/chromium';
const chromiumPath = process.env.CHROMIUM_PATH || debianChromium;

const executable = (path) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};
const onPath = (command) =>
  (process.env.PATH ?? '').split(delimiter).some((dir) => dir && executable(join(dir, command)));

const stop = (line) => {
  process.stderr.write(`${line}\n`);
  process.exit(1);
};

const missingNow = () => {
  const missing = [];
  if (!onPath('redis-server')) missing.push('redis-server');
  if (!executable(chromiumPath)) missing.push('chromium');
  return missing;
};

const missing = missingNow();
if (missing.length === 0) process.exit(0);

if (missing.includes('chromium') && chromiumPath !== debianChromium) {
  stop(
    `Chromium not found at CHROMIUM_PATH=${chromiumPath}: point it at a Chromium or Chrome binary, or unset it to use Debian's (apt-get install -y chromium)`,
  );
}

const command = `sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}`;
const root = process.getuid?.() === 0;
const sudo = !root && onPath('sudo') && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
if (!onPath('apt-get') || !(root || sudo) || process.env.CERCLE_NO_INSTALL === '1') {
  stop(`The tests need ${missing.join(' and ')}: run \`${command}\` (Debian), then npm test again`);
}

process.stderr.write(`The tests need ${missing.join(' and ')}: installing with apt-get\n`);
const apt = (args) => {
  const [file, ...rest] = root ? ['apt-get', ...args] : ['sudo', '-n', 'apt-get', ...args];
  const run = spawnSync(file, rest, {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (run.status !== 0) stop(`apt-get ${args[0]} failed: run \`${command}\` yourself, then npm test again`);
};
apt(['update', '-qq']);
apt(['install', '-y', '-qq', '--no-install-recommends', ...missing]);

const still = missingNow();
if (still.length > 0)
  stop(`${still.join(' and ')} still not found after apt-get install: run \`${command}\``);
