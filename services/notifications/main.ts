import { loadConfig } from '../kit/index.ts';
import { notificationsConfigSchema } from './config.ts';
import { create } from './service.ts';

const svc = await create({ config: loadConfig(notificationsConfigSchema) });
await svc.start();
