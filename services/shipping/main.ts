import { loadConfig } from '../kit/index.ts';
import { shippingConfigSchema } from './config.ts';
import { create } from './service.ts';

const svc = await create({ config: loadConfig(shippingConfigSchema) });
await svc.start();
