import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HOW_TO_PROVISION } from '../support/engines.ts';
import { tailEngineLogs } from '../support/harness-engines.ts';
import {
  checkEngines,
  engineEndpoints,
  HarnessError,
  hasEngineEnvironment,
  kubeconfigServer,
  parseEnvFile,
} from '../support/harness.ts';

function kubeconfig(server: string, extraCluster = false): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    ...(extraCluster ? ['- name: other', '  cluster:', '    server: https://10.9.9.9:6443'] : []),
    '- name: test',
    '  cluster:',
    `    server: ${server}`,
    'contexts:',
    '- name: ctx',
    '  context: {cluster: test, user: admin}',
    'current-context: ctx',
    '',
  ].join('\n');
}

async function listen(): Promise<Server> {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

const portOf = (server: Server): number => (server.address() as { port: number }).port;
const close = (server: Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

describe('test harness', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'harness-unit-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  describe('parseEnvFile', () => {
    it('reads export lines and skips comments, blanks and junk', () => {
      const env = parseEnvFile(
        '# written by scripts/engines\nexport KAFKA_BROKERS=127.0.0.1:1\n\nREDIS_URL="redis://x:2"\nnot a line\n' +
          "export KUBECONFIG='/tmp/k'\n",
      );
      assert.deepEqual(env, { KAFKA_BROKERS: '127.0.0.1:1', REDIS_URL: 'redis://x:2', KUBECONFIG: '/tmp/k' });
    });
  });

  describe('hasEngineEnvironment', () => {
    it('is true only when all four engine variables are set', () => {
      const full = { KAFKA_BROKERS: 'a:1', DATABASE_URL: 'postgres://b', REDIS_URL: 'redis://c', KUBECONFIG: '/k' };
      assert.equal(hasEngineEnvironment(full), true);
      assert.equal(hasEngineEnvironment({ ...full, REDIS_URL: '' }), false);
      assert.equal(hasEngineEnvironment({}), false);
    });
  });

  describe('engineEndpoints', () => {
    it('finds every broker, the database, redis and the API server of the current context', () => {
      const path = join(dir, 'kubeconfig');
      writeFileSync(path, kubeconfig('https://127.0.0.1:6443', true));
      const endpoints = engineEndpoints({
        KAFKA_BROKERS: '127.0.0.1:9092, localhost:9093',
        DATABASE_URL: 'postgres://postgres@127.0.0.1/vitrine',
        REDIS_URL: 'redis://127.0.0.1:7000',
        KUBECONFIG: path,
      });
      assert.deepEqual(
        endpoints.map((e) => `${e.engine}=${e.host}:${e.port}`),
        ['kafka=127.0.0.1:9092', 'kafka=localhost:9093', 'postgres=127.0.0.1:5432', 'redis=127.0.0.1:7000',
          'kube-apiserver=127.0.0.1:6443'],
      );
    });

    it('names the missing variables and how to provision', () => {
      assert.throws(
        () => engineEndpoints({ KAFKA_BROKERS: 'a:1' }),
        (error: unknown) =>
          error instanceof HarnessError &&
          error.code === 'ENGINE_MISCONFIGURED' &&
          error.message.startsWith('DATABASE_URL, REDIS_URL, KUBECONFIG not set') &&
          error.message.includes(HOW_TO_PROVISION),
      );
    });

    it('rejects a malformed URL with the variable name', () => {
      const path = join(dir, 'kubeconfig');
      writeFileSync(path, kubeconfig('https://127.0.0.1:6443'));
      assert.throws(
        () => engineEndpoints({ KAFKA_BROKERS: 'a:1', DATABASE_URL: 'not a url', REDIS_URL: 'redis://c', KUBECONFIG: path }),
        /DATABASE_URL=not a url is not a URL/,
      );
    });
  });

  describe('kubeconfigServer', () => {
    it('fails clearly for a missing file and for a config without a server', () => {
      assert.throws(() => kubeconfigServer(join(dir, 'absent')), /KUBECONFIG=.*absent cannot be read/);
      const path = join(dir, 'empty');
      writeFileSync(path, 'apiVersion: v1\nkind: Config\nclusters: []\n');
      assert.throws(() => kubeconfigServer(path), /names no API server/);
    });
  });

  describe('checkEngines', () => {
    it('passes when every address accepts connections and names each one that does not', async () => {
      const servers = await Promise.all([listen(), listen(), listen(), listen()]);
      const [kafka, pg, redis, kube] = servers.map(portOf) as [number, number, number, number];
      const path = join(dir, 'kubeconfig');
      writeFileSync(path, kubeconfig(`https://127.0.0.1:${kube}`));
      const env = {
        KAFKA_BROKERS: `127.0.0.1:${kafka}`,
        DATABASE_URL: `postgres://postgres@127.0.0.1:${pg}/vitrine`,
        REDIS_URL: `redis://127.0.0.1:${redis}`,
        KUBECONFIG: path,
      };
      try {
        assert.equal((await checkEngines(env, 1000)).length, 4);
        // WHEN Redis and the API server go away
        await close(servers[2] as Server);
        await close(servers[3] as Server);
        await assert.rejects(checkEngines(env, 1000), (error: unknown) => {
          assert.ok(error instanceof HarnessError);
          assert.equal(error.code, 'ENGINE_UNREACHABLE');
          assert.match(error.message, new RegExp(`redis at 127\\.0\\.0\\.1:${redis} \\(REDIS_URL\\) is unreachable`));
          assert.match(error.message, new RegExp(`kube-apiserver at 127\\.0\\.0\\.1:${kube} \\(KUBECONFIG\\)`));
          assert.doesNotMatch(error.message, /kafka at|postgres at/);
          assert.ok(error.message.includes('bash scripts/engines up'));
          return true;
        });
      } finally {
        await Promise.all(servers.filter((s) => s.listening).map(close));
      }
    });
  });

  describe('tailEngineLogs', () => {
    it('prints the last lines of each log, and nothing without logs', () => {
      const lines = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join('\n');
      writeFileSync(join(dir, 'kafka.log'), `${lines}\n`);
      writeFileSync(join(dir, 'redis.log'), '');
      writeFileSync(join(dir, 'notes.txt'), 'ignored');
      const tail = tailEngineLogs(dir, 20);
      assert.ok(tail.startsWith('--- kafka.log (last 20 lines) ---\nline 11\n'));
      assert.ok(tail.endsWith('line 30'));
      assert.doesNotMatch(tail, /redis\.log|ignored|line 10\n/);
      assert.equal(tailEngineLogs(join(dir, 'absent')), '');
      assert.equal(tailEngineLogs(undefined), '');
    });
  });
});
