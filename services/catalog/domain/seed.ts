/**
 * Demo products of a small Brazilian shop, loaded by `npm start` so the storefront is not empty.
 * Prices are in centavos (BRL); `stock` is the starting quantity inventory may also seed from.
 */
import type { ProductInput } from './product.ts';
import type { ProductCatalog } from './catalog.ts';

/** One demo product. */
export interface DemoProduct extends ProductInput {
  readonly sku: string;
  readonly stock: number;
}

const brl = (amount: number) => ({ amount, currency: 'BRL' });

/** The demo catalog. */
export const DEMO_PRODUCTS: readonly DemoProduct[] = [
  { sku: 'CAFE-MG-500', name: 'Café Especial do Sul de Minas 500 g', description: 'Grãos torrados, notas de chocolate e caramelo.', price: brl(4990), stock: 120 },
  { sku: 'CACHACA-SALINAS-700', name: 'Cachaça Artesanal de Salinas 700 ml', description: 'Envelhecida em bálsamo, produção mineira.', price: brl(8990), stock: 40 },
  { sku: 'REDE-CE-CASAL', name: 'Rede de Dormir Cearense Casal', description: 'Algodão tecido à mão, varandas de crochê.', price: brl(23900), stock: 15 },
  { sku: 'CHINELO-TRAD-40', name: 'Chinelo de Borracha Tradicional 40', description: 'Clássico brasileiro, solado macio.', price: brl(3490), stock: 300 },
  { sku: 'ERVA-MATE-1KG', name: 'Erva-Mate para Chimarrão 1 kg', description: 'Moagem grossa, colheita gaúcha.', price: brl(2890), stock: 200 },
  { sku: 'PAO-QUEIJO-1KG', name: 'Pão de Queijo Congelado 1 kg', description: 'Receita mineira com polvilho azedo.', price: brl(3290), stock: 80 },
  { sku: 'DOCE-LEITE-400', name: 'Doce de Leite Cremoso 400 g', description: 'Feito em tacho de cobre.', price: brl(1890), stock: 150 },
  { sku: 'ACAI-POLPA-1KG', name: 'Polpa de Açaí 1 kg', description: 'Açaí paraense, sem açúcar.', price: brl(3990), stock: 60 },
  { sku: 'GUARANA-PO-100', name: 'Guaraná em Pó de Maués 100 g', description: 'Guaraná amazônico, puro.', price: brl(2490), stock: 90 },
  { sku: 'CUIA-CHIMARRAO', name: 'Cuia de Porongo com Bomba', description: 'Cuia tradicional e bomba de inox.', price: brl(7990), stock: 30 },
  { sku: 'CANGA-PRAIA', name: 'Canga de Praia Estampada', description: 'Viscose leve, estampa tropical.', price: brl(4590), stock: 100 },
  { sku: 'BRIGADEIRO-CX12', name: 'Caixa de Brigadeiros Gourmet (12 un.)', description: 'Chocolate belga e granulado.', price: brl(5490), stock: 50 },
];

/**
 * Puts the demo products into the catalog (existing SKUs are left as they are, so a restart
 * keeps admin edits) and publishes `product.updated` for each new one. Returns how many were new.
 */
export async function seedProducts(catalog: ProductCatalog, products: readonly DemoProduct[] = DEMO_PRODUCTS): Promise<number> {
  let created = 0;
  for (const { sku, ...input } of products) {
    if (await catalog.createIfAbsent(sku, input)) created += 1;
  }
  return created;
}
