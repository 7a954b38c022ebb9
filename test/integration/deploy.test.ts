import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { NODE_FLAGS } from '../../server/src/nodeFlags.js';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

type Service = {
  image?: string;
  build?: unknown;
  command?: string | string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string | string[] };
  depends_on?: Record<string, { condition: string }> | string[];
  restart?: string;
  logging?: { driver: string; options: Record<string, string> };
};
const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;
const nginx = read('deploy/nginx.conf');
const dockerfile = read('Dockerfile');
const flat = (test: string | string[]) => (Array.isArray(test) ? test.join(' ') : test);

describe('[OP-6] containers that heal', () => {
  it('every service has a healthcheck, restarts unless stopped, and rotates its logs', () => {
    expect(Object.keys(services).sort()).toEqual(['cercle-a', 'cercle-b', 'lb', 'redis']);
    for (const [name, service] of Object.entries(services)) {
      expect(service.healthcheck?.test, name).toBeDefined();
      expect(service.restart, name).toBe('unless-stopped');
      expect(service.logging?.driver, name).toBe('json-file');
      expect(service.logging?.options['max-size'], name).toMatch(/^\d+[km]$/);
      expect(Number(service.logging?.options['max-file']), name).toBeGreaterThan(1);
    }
  });

  it('nodes check /readyz with Node’s fetch and start once Redis is healthy; nginx once both nodes are', () => {
    for (const node of ['cercle-a', 'cercle-b']) {
      const service = services[node]!;
      expect(flat(service.healthcheck!.test)).toMatch(/node -e .*fetch\(.*\/readyz/);
      expect(service.depends_on).toEqual({ redis: { condition: 'service_healthy' } });
    }
    expect(services.lb!.depends_on).toEqual({
      'cercle-a': { condition: 'service_healthy' },
      'cercle-b': { condition: 'service_healthy' },
    });
    expect(flat(services.redis!.healthcheck!.test)).toContain('ping');
  });

  it('[CI-12] Redis keeps circles for months: AOF fsynced every second, rewritten as it grows, never evicting', () => {
    const command = flat(services.redis!.command!);
    expect(command).toContain('--appendfsync everysec');
    expect(command).toContain('--auto-aof-rewrite-percentage 100');
    expect(command).toContain('--auto-aof-rewrite-min-size 64mb');
    expect(command).toContain('--maxmemory-policy noeviction');
  });

  it('Redis keeps an append-only file and requires the password the nodes connect with', () => {
    const command = flat(services.redis!.command!);
    expect(command).toContain('--appendonly yes');
    // `$$` is compose's escape: the container's shell reads its own REDIS_PASSWORD.
    expect(command).toContain('--requirepass "$$REDIS_PASSWORD"');
    expect(services.redis!.environment!.REDIS_PASSWORD).toMatch(/^\$\{REDIS_PASSWORD:-.+\}$/);
    for (const node of ['cercle-a', 'cercle-b']) {
      expect(services[node]!.environment!.REDIS_URL).toMatch(
        /^redis:\/\/:\$\{REDIS_PASSWORD:-.+\}@redis:6379$/,
      );
    }
  });

  it('nginx passes the Host with its port and the address it saw, nothing a client claimed', () => {
    const directives = nginx
      .split('\n')
      .map((l) => l.replace(/#.*/, '').trim())
      .filter(Boolean);
    expect(directives).toContain('proxy_set_header Host $http_host;');
    expect(directives).toContain('proxy_set_header X-Forwarded-For $remote_addr;');
    expect(nginx).not.toMatch(/^\s*proxy_set_header Host \$host;/m);
    expect(nginx).not.toContain('$proxy_add_x_forwarded_for');
    expect(directives).toContain('proxy_set_header Upgrade $http_upgrade;');
  });

  it('the image runs Node 22 LTS in both stages, checks /readyz with Node’s fetch, and installs the server’s production packages only', () => {
    const froms = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    expect(froms).toEqual(['node:22-bookworm-slim', 'node:22-bookworm-slim']);
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(runtime).toMatch(/^HEALTHCHECK .*\\\n\s+CMD \["node", "-e", "fetch\(.*\/readyz/m);
    const installs = [...runtime.matchAll(/^RUN (npm .*)$/gm)].map((m) => m[1]);
    expect(installs).toHaveLength(1);
    expect(installs[0]).toMatch(/^npm ci --omit=dev --workspace @cercle\/server /);
    const cmd = ['node', ...NODE_FLAGS, 'server/dist/main.js'].map((part) => JSON.stringify(part)).join(', ');
    expect(runtime.split('\n')).toContain(`CMD [${cmd}]`);
  });

  it("`npm start` runs the node with the image's flags (server/src/nodeFlags.ts)", () => {
    const scripts = (file: string) => (JSON.parse(read(file)) as { scripts: Record<string, string> }).scripts;
    const flags = NODE_FLAGS.join(' ');
    expect(scripts('package.json').start).toBe(`npm run build && node ${flags} server/dist/main.js`);
    expect(scripts('server/package.json').start).toBe(`node ${flags} dist/main.js`);
  });
});
