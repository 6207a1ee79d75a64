import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { baseConfigSchema, parseConfig, ConfigError } from '../../../services/kit/index.ts';

describe('kit config', () => {
  it('defaults, coerces and freezes', () => {
    const config = parseConfig(baseConfigSchema, { PORT: '9001' });
    assert.equal(config.PORT, 9001);
    assert.equal(config.LOG_LEVEL, 'info');
    assert.equal(config.DATABASE_URL, undefined);
    assert.ok(Object.isFrozen(config));
    assert.throws(() => {
      (config as { PORT: number }).PORT = 1;
    }, TypeError);
  });

  it('treats an empty variable as unset', () => {
    const config = parseConfig(baseConfigSchema, { PORT: '', REDIS_URL: '' });
    assert.equal(config.PORT, 8080);
    assert.equal(config.REDIS_URL, undefined);
  });

  it('names every bad variable and does not echo secret values', () => {
    const err = (() => {
      try {
        parseConfig(baseConfigSchema, { PORT: 'eighty', DATABASE_URL: 'hunter2-not-a-url', KAFKA_BROKERS: 'a b' });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    assert.ok(err instanceof ConfigError);
    assert.deepEqual([...err.variables].sort(), ['DATABASE_URL', 'KAFKA_BROKERS', 'PORT']);
    assert.match(err.message, /PORT/);
    assert.doesNotMatch(err.message, /hunter2/);
  });

  it('extends with service variables', () => {
    const schema = baseConfigSchema.extend({ RESERVATION_TTL_MS: z.coerce.number().int().positive().default(900_000) });
    assert.equal(parseConfig(schema, {}).RESERVATION_TTL_MS, 900_000);
    assert.throws(() => parseConfig(schema, { RESERVATION_TTL_MS: '-5' }), /RESERVATION_TTL_MS/);
  });

  it('loadConfig stops the process with status 78 naming the variable', () => {
    const kit = fileURLToPath(new URL('../../../services/kit/index.ts', import.meta.url));
    const script = `import { loadConfig, baseConfigSchema } from ${JSON.stringify(kit)}; loadConfig(baseConfigSchema); console.log('started');`;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env: { ...process.env, PORT: 'eighty', REDIS_URL: 'not a url' },
      encoding: 'utf8',
    });
    assert.equal(run.status, 78);
    assert.doesNotMatch(run.stdout, /started/);
    const line = JSON.parse(run.stderr.trim().split('\n').pop() ?? '{}') as { msg: string; variables: string[] };
    assert.equal(line.msg, 'invalid configuration');
    assert.deepEqual([...line.variables].sort(), ['PORT', 'REDIS_URL']);
  });
});
