import { z } from 'zod';

const envName = (example: string) => z.string().regex(/^[A-Z_][A-Z0-9_]*$/, `an environment variable name, e.g. ${example}`);

const OrdersSchema = z.strictObject({
  pollSeconds: z.number().positive().default(300)
    .describe('Seconds between order pulls (getOrders by LastUpdatedAfter). Default 300. getOrders refills at one request a minute after a burst of 20.'),
  initialLookbackHours: z.number().positive().default(24)
    .describe('On the very first pull (no cursor stored yet), how far back to look for updated orders, in hours. Default 24.'),
  fulfillmentChannels: z.array(z.enum(['MFN', 'AFN'])).min(1).default(['MFN'])
    .describe('Which fulfillment channels to pull: MFN (we ship, the default) and/or AFN (Amazon ships from FBA stock: '
      + 'only take those if Odoo must record them, since nothing ships from our warehouse).'),
});

const InventorySchema = z.strictObject({
  enabled: z.boolean().default(true)
    .describe('Push on-hand quantities of the SKUs in the items table (sku column) to Amazon. Default true.'),
  pollSeconds: z.number().positive().default(900)
    .describe('Seconds between inventory checks; only quantities that changed since the last push are sent. Default 900.'),
  warehouse: z.string().min(1).default('WH')
    .describe('The Odoo warehouse (stock.warehouse code) whose stock is offered on Amazon: quantity on hand minus reserved in its stock location and below. Default WH.'),
  productType: z.string().min(1).default('PRODUCT')
    .describe('The productType sent with each patchListingsItem. PRODUCT suits a quantity-only patch of an existing listing. Default PRODUCT.'),
});

const ShipmentSchema = z.strictObject({
  carrierCode: z.string().min(1).default('Other')
    .describe('confirmShipment carrierCode, e.g. UPS, USPS, FedEx, DHL; Other needs carrierName. Default Other.'),
  carrierName: z.string().min(1).optional()
    .describe('confirmShipment carrierName: required by Amazon when carrierCode is Other, e.g. "Old Dominion".'),
  shippingMethod: z.string().min(1).optional()
    .describe('confirmShipment shippingMethod, e.g. Ground. Optional.'),
});

const RetrySchema = z.strictObject({
  attempts: z.number().int().min(1).max(10).default(5)
    .describe('Attempts per SP-API call on 429 (throttled), 5xx or network errors before the pull waits for its next run '
      + 'or the outbound queue retries later. Default 5.'),
  baseMs: z.number().int().positive().default(1000)
    .describe('First backoff after a throttled or failed call, in ms; doubled each attempt, with jitter. Default 1000.'),
  maxMs: z.number().int().positive().default(60_000).describe('The longest single backoff, in ms. Default 60000.'),
});

/**
 * The `amazon` block of a `kind: amazon` profile: the seller, its marketplaces, the SP-API region
 * and where the Login with Amazon credentials live (environment variables named here).
 */
export const AmazonProfileSchema = z.strictObject({
  sellerId: z.string().min(1).describe('The seller (merchant) id, e.g. A2EXAMPLE123.'),
  marketplaceIds: z.array(z.string().min(1)).min(1).describe('The marketplaces whose orders are pulled, e.g. [ATVPDKIKX0DER] (amazon.com). '
    + 'Shipment confirmations go to each order\'s own marketplace; inventory is pushed to all of them.'),
  endpoint: z.string().url().default('https://sellingpartnerapi-na.amazon.com')
    .describe('The SP-API endpoint of the seller\'s region. Default North America; tests point it at a local server.'),
  tokenUrl: z.string().url().default('https://api.amazon.com/auth/o2/token')
    .describe('Login with Amazon\'s token endpoint. Default https://api.amazon.com/auth/o2/token.'),
  clientIdEnv: envName('AMAZON_DEMO_LWA_CLIENT_ID').describe('The environment variable holding the LWA client id.'),
  clientSecretEnv: envName('AMAZON_DEMO_LWA_CLIENT_SECRET').describe('The environment variable holding the LWA client secret.'),
  refreshTokenEnv: envName('AMAZON_DEMO_LWA_REFRESH_TOKEN').describe('The environment variable holding the seller\'s LWA refresh token.'),
  orders: OrdersSchema.prefault({}).describe('The order pull: how often, how far back the first time, which fulfillment channels.'),
  inventory: InventorySchema.prefault({}).describe('The inventory push through the Listings Items API (patchListingsItem, fulfillment_availability).'),
  shipment: ShipmentSchema.prefault({}).describe('How shipment confirmations name the carrier (Odoo pickings carry only the tracking number).'),
  retry: RetrySchema.prefault({}).describe('Backoff on throttling (429) and server errors, beside the per-operation token buckets.'),
}).describe('Amazon SP-API settings of a kind: amazon partner: seller, marketplaces, region and the LWA credentials\' environment variables. '
  + 'SellerSKU is looked up as our product code unless crossReferences.items maps it (sku column).');

export type AmazonProfile = z.infer<typeof AmazonProfileSchema>;
