/**
 * Catalog's HTTP API (DESIGN.md §5): public reads, admin-only writes.
 */
import { Router, type Express, type RequestHandler } from 'express';
import { kitErrors, validated, type Auth } from '../../kit/index.ts';
import type { ProductCatalog } from '../domain/catalog.ts';
import { catalogErrors } from '../errors.ts';
import { listQuery, newProductBody, productBody, skuParams } from './schemas.ts';
import { catalogOpenApi } from './openapi.ts';

/** Registers catalog's routes on `app`. `auth` absent → writes answer 503 (no way to check admins). */
export function registerCatalogRoutes(app: Express, catalog: ProductCatalog, auth: Auth | undefined): void {
  const admin: RequestHandler[] = auth
    ? [auth.authenticate(), auth.requireRoles('admin')]
    : [
        () => {
          throw kitErrors.unavailable('catalog writes need JWKS_URL to verify administrators');
        },
      ];

  app.get('/openapi.json', (_req, res) => {
    res.json(catalogOpenApi);
  });

  const router = Router();
  router.get(
    '/products',
    validated({ query: listQuery }, async ({ query }, _req, res) => {
      res.json(await catalog.search(query.q, query.page));
    }),
  );

  router.get(
    '/products/:sku',
    validated({ params: skuParams }, async ({ params }, _req, res) => {
      res.json(await catalog.get(params.sku));
    }),
  );

  router.post(
    '/products',
    ...admin,
    validated({ body: newProductBody }, async ({ body }, _req, res) => {
      const { sku, ...input } = body;
      const product = await catalog.create(sku, input);
      res.status(201).location(`/api/catalog/products/${encodeURIComponent(sku)}`).json(product);
    }),
  );

  router.put(
    '/products/:sku',
    ...admin,
    validated({ params: skuParams, body: productBody.extend({ sku: skuParams.shape.sku.optional() }) }, async ({ params, body }, _req, res) => {
      const { sku, ...input } = body;
      if (sku !== undefined && sku !== params.sku) throw catalogErrors.sku_mismatch(`body says ${sku}, path says ${params.sku}`);
      const { product, created } = await catalog.put(params.sku, input);
      res.status(created ? 201 : 200).json(product);
    }),
  );

  app.use('/api/catalog', router);
}
