/**
 * Cart's HTTP API: the caller's cart under `/api/cart` (bearer token), and the internal routes
 * orders uses under `/internal/carts` (the gateway routes only `/api/...`, so these are not public;
 * in a cluster the NetworkPolicy keeps them to the shop's own pods).
 */
import { Router, type Express, type Request } from 'express';
import { kitErrors, validated, type Auth, type Cache } from '../../kit/index.ts';
import { clearCart, readCart, removeItem, setItem, type CartLimits, type CatalogLookup } from '../domain/cart.ts';
import { itemBody, skuParams, userParams } from './schemas.ts';
import { cartOpenApi } from './openapi.ts';
import { cacheOutage } from './cache-outage.ts';

/** What the routes need. */
export interface CartRouteDeps {
  readonly cache: Cache;
  readonly auth: Auth;
  readonly lookup: CatalogLookup;
  readonly limits: CartLimits;
  readonly maxQuantity: number;
}

function caller(req: Request): string {
  const subject = req.principal?.subject;
  if (!subject) throw kitErrors.unauthorized('bearer token required');
  return subject;
}

/** Registers cart's routes on `app`. */
export function registerCartRoutes(app: Express, deps: CartRouteDeps): void {
  const { cache, auth, lookup, limits } = deps;
  const body = itemBody(deps.maxQuantity);

  app.get('/openapi.json', (_req, res) => {
    res.json(cartOpenApi);
  });

  const mine = Router();
  mine.use(auth.authenticate());
  mine.get('/', async (req, res) => {
    res.json(await readCart(cache, caller(req)));
  });
  mine.put(
    '/items/:sku',
    validated({ params: skuParams, body }, async ({ params, body: input }, req, res) => {
      res.json(await setItem(cache, lookup, limits, caller(req), params.sku, input.quantity));
    }),
  );
  mine.delete(
    '/items/:sku',
    validated({ params: skuParams }, async ({ params }, req, res) => {
      res.json(await removeItem(cache, limits, caller(req), params.sku));
    }),
  );
  mine.use(cacheOutage);
  app.use('/api/cart', mine);

  const internal = Router();
  internal.get(
    '/carts/:userId',
    validated({ params: userParams }, async ({ params }, _req, res) => {
      res.json(await readCart(cache, params.userId));
    }),
  );
  internal.delete(
    '/carts/:userId',
    validated({ params: userParams }, async ({ params }, _req, res) => {
      await clearCart(cache, params.userId);
      res.status(204).end();
    }),
  );
  internal.use(cacheOutage);
  app.use('/internal', internal);
}
