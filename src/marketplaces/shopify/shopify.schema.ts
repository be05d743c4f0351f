import { z } from 'zod';

const envName = (example: string) => z.string().regex(/^[A-Z_][A-Z0-9_]*$/, `an environment variable name, e.g. ${example}`);

const OrdersSchema = z.strictObject({
  pollSeconds: z.number().positive().default(300)
    .describe('Seconds between two order pulls (a webhook brings the next one forward). Default 300.'),
  pageSize: z.number().int().min(1).max(15).default(10)
    .describe('Orders per GraphQL page, 1 to 15 (each with its first 50 line items: 10 cost about 550 points requested, and Shopify '
      + 'refuses a query over 1,000). Default 10.'),
  overlapSeconds: z.number().int().min(0).default(120)
    .describe('Each pull asks again for orders updated this many seconds before the stored watermark, for Shopify\'s search index '
      + 'lag; what was already stored is recognised and skipped. Default 120.'),
  since: z.string().datetime({ offset: true }).optional()
    .describe('Where the very first pull starts (ISO 8601, e.g. 2026-12-01T00:00:00Z). Default: orders updated in the last 24 hours.'),
}).prefault({}).describe('The order pull: how often, how many per page, and where the first one starts.');

const InventorySchema = z.strictObject({
  enabled: z.boolean().default(false)
    .describe('Push Odoo\'s on-hand quantities of the products in crossReferences.items (sku column) to Shopify. Default false.'),
  pollSeconds: z.number().positive().default(900)
    .describe('Seconds between two full comparisons (only changed quantities are sent). Default 900.'),
  urgentSeconds: z.number().positive().default(60)
    .describe('Seconds between the quick checks that send at once a product whose quantity fell to 0 (or below the last '
      + 'pushed one by urgentDrop). Default 60.'),
  urgentDrop: z.number().int().min(0).default(0)
    .describe('A fall of more than this many units since the last push is sent at the next quick check too; 0: only a fall to 0. Default 0.'),
  locationId: z.string().regex(/^gid:\/\/shopify\/Location\/\d+$/, 'a Shopify location id, e.g. gid://shopify/Location/123456')
    .optional()
    .describe('The Shopify location whose quantities Odoo\'s stock sets, e.g. gid://shopify/Location/123456. Default: the store\'s first location.'),
  quantityName: z.enum(['on_hand', 'available']).default('on_hand')
    .describe('Which Shopify quantity Odoo\'s on-hand sets: on_hand (Shopify subtracts its own unfulfilled orders) or available. Default on_hand.'),
  batchSize: z.number().int().min(1).max(250).default(100)
    .describe('Quantities per inventorySetQuantities call. Default 100.'),
}).prefault({}).describe('The inventory push: Odoo on-hand -> Shopify, on schedule and at once when a product runs out.');

const FulfillmentSchema = z.strictObject({
  notifyCustomer: z.boolean().default(true)
    .describe('Shopify e-mails the customer the tracking when a fulfillment is created. Default true.'),
  trackingCompany: z.string().min(1).optional()
    .describe('The carrier name Shopify shows (e.g. UPS, FedEx, DHL Express) when the shipment names none Shopify knows. Default: none.'),
}).prefault({}).describe('Fulfillments pushed when an Odoo delivery of a Shopify order is done.');

/**
 * The `shopify` block of a `kind: shopify` profile: the store, the pinned Admin API version, where
 * its access token and webhook secret live (environment variables named here; never the values),
 * and the schedules of the order pull and the inventory push.
 */
export const ShopifyProfileSchema = z.strictObject({
  shop: z.string().regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/, 'the store\'s myshopify.com domain, e.g. demo-store.myshopify.com')
    .describe('The store\'s myshopify.com domain, e.g. demo-store.myshopify.com.'),
  baseUrl: z.string().url().optional()
    .describe('The Admin API\'s base URL. Default https://<shop>; tests point it at a local server.'),
  apiVersion: z.string().regex(/^\d{4}-\d{2}$/, 'a Shopify API version, e.g. 2025-01').default('2025-01')
    .describe('The Admin GraphQL API version the gateway is pinned to, e.g. 2025-01.'),
  accessTokenEnv: envName('SHOP_DEMO_ACCESS_TOKEN')
    .describe('The environment variable that holds the Admin API access token (X-Shopify-Access-Token).'),
  webhookSecretEnv: envName('SHOP_DEMO_WEBHOOK_SECRET').optional()
    .describe('The environment variable that holds the app\'s client secret, which signs webhooks (X-Shopify-Hmac-Sha256) sent to '
      + 'POST /shopify/<partner id>/webhooks. Without it webhooks are refused and the scheduled pull alone brings orders.'),
  maxAttempts: z.number().int().min(1).max(10).default(5)
    .describe('Attempts of one API call that Shopify throttles (THROTTLED, HTTP 429) or fails with 5xx, each after the time Shopify '
      + 'advertises. Default 5.'),
  orders: OrdersSchema,
  inventory: InventorySchema,
  fulfillment: FulfillmentSchema,
}).describe('Shopify settings of a kind: shopify partner: the store, the pinned API version, the token and webhook secret\'s '
  + 'environment variables, and the order pull, inventory push and fulfillment settings. A line item\'s SKU is our product code '
  + 'unless crossReferences.items maps it (sku column).');

export type ShopifyProfile = z.infer<typeof ShopifyProfileSchema>;

/** The Admin GraphQL endpoint of a store, at its pinned version. */
export function graphqlUrl(s: ShopifyProfile): string {
  return `${(s.baseUrl ?? `https://${s.shop}`).replace(/\/+$/, '')}/admin/api/${s.apiVersion}/graphql.json`;
}
