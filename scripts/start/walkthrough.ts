/** The walkthrough `npm start` prints: what runs where, and a shopper's path through the shop by curl. */
export function printWalkthrough(opts: { gatewayPort: number; real: boolean; startupMs: number; services: readonly { name: string; port: number }[] }): void {
  const g = `http://localhost:${opts.gatewayPort}`;
  const lines = [
    '',
    `Vitrine is running (${opts.real ? 'real engines from scripts/engines' : 'embedded defaults: in-process bus, PGlite, in-process cache'}), started in ${(opts.startupMs / 1000).toFixed(1)} s.`,
    '',
    ...opts.services.map((s) => `  ${s.name.padEnd(14)} http://127.0.0.1:${s.port}${s.name === 'gateway' ? '   <- the shop: use this one' : ''}`),
    '',
    'Walkthrough (another terminal; needs curl and jq):',
    '',
    `  # 1. register and sign in`,
    `  curl -s ${g}/api/identity/register -H 'content-type: application/json' \\`,
    `       -d '{"email":"ana@example.com","password":"correct horse battery","name":"Ana"}'`,
    `  TOKEN=$(curl -s ${g}/api/identity/login -H 'content-type: application/json' \\`,
    `       -d '{"email":"ana@example.com","password":"correct horse battery"}' | jq -r .accessToken)`,
    '',
    `  # 2. browse the catalog and put something in the cart`,
    `  curl -s '${g}/api/catalog/products?q=cafe' | jq '.items[] | {sku, name, price}'`,
    `  SKU=$(curl -s '${g}/api/catalog/products' | jq -r '.items[0].sku')`,
    `  curl -s -X PUT ${g}/api/cart/items/$SKU -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{"quantity":2}' | jq`,
    '',
    `  # 3. check out (the saga reserves stock, authorizes the card, confirms and invoices)`,
    `  ORDER=$(curl -s ${g}/api/orders -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\`,
    `       -H "Idempotency-Key: $(uuidgen 2>/dev/null || cat /proc/sys/kernel/random/uuid)" \\`,
    `       -d '{"payment":{"method":"card","token":"tok_approve"},"shippingAddress":{"name":"Ana","line1":"Rua Augusta, 100","city":"São Paulo","state":"SP","postalCode":"01305-000","country":"BR"}}' | jq -r .id)`,
    `  sleep 2; curl -s ${g}/api/orders/$ORDER -H "authorization: Bearer $TOKEN" | jq '{status, trackingUrl, history}'`,
    '',
    `  # 4. follow the tracking link (pt-BR by default; add &lang=en for English)`,
    `  open the trackingUrl above in a browser, or: curl -s -H 'Host: rastreio.localhost' '${g}/?h=<token>'`,
    `  the shop host redirects too: curl -si '${g}/rastreio?<token>' | grep -i location`,
    '',
    'Ctrl-C stops everything cleanly.',
  ];
  console.log(lines.join('\n'));
}
