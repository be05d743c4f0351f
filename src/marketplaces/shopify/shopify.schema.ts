import { z } from 'zod';

/**
 * The `shopify` block of a `kind: shopify` profile: the store, the pinned Admin API version and
 * where its access token lives (the environment variable named here; never the token itself).
 */
export const ShopifyProfileSchema = z.strictObject({
  shop: z.string().regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/, 'the store\'s myshopify.com domain, e.g. demo-store.myshopify.com')
    .describe('The store\'s myshopify.com domain, e.g. demo-store.myshopify.com.'),
  baseUrl: z.string().url().optional()
    .describe('The Admin API\'s base URL. Default https://<shop>; tests point it at a local server.'),
  apiVersion: z.string().regex(/^\d{4}-\d{2}$/, 'a Shopify API version, e.g. 2025-01').default('2025-01')
    .describe('The Admin GraphQL API version the gateway is pinned to, e.g. 2025-01.'),
  accessTokenEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name, e.g. SHOP_DEMO_ACCESS_TOKEN')
    .describe('The environment variable that holds the Admin API access token (X-Shopify-Access-Token).'),
}).describe('Shopify settings of a kind: shopify partner: the store, the pinned API version and the access token\'s environment variable.');

export type ShopifyProfile = z.infer<typeof ShopifyProfileSchema>;
