import { loadConfig } from '../kit/index.ts';
import { integrationsConfigSchema } from './config.ts';
import { create } from './service.ts';

const svc = await create({ config: loadConfig(integrationsConfigSchema) });
await svc.start();
