import { create } from './service.ts';

const svc = await create();
await svc.start();
