import { z } from 'zod';

/**
 * The `amazon` block of a `kind: amazon` profile: the seller, its marketplaces, the SP-API region
 * and where the Login with Amazon credentials live (environment variables named here).
 */
export const AmazonProfileSchema = z.strictObject({
  sellerId: z.string().min(1).describe('The seller (merchant) id, e.g. A2EXAMPLE123.'),
  marketplaceIds: z.array(z.string().min(1)).min(1).describe('The marketplaces whose orders are pulled, e.g. [ATVPDKIKX0DER] (amazon.com).'),
  endpoint: z.string().url().default('https://sellingpartnerapi-na.amazon.com')
    .describe('The SP-API endpoint of the seller\'s region. Default North America; tests point it at a local server.'),
  tokenUrl: z.string().url().default('https://api.amazon.com/auth/o2/token')
    .describe('Login with Amazon\'s token endpoint. Default https://api.amazon.com/auth/o2/token.'),
  clientIdEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/).describe('The environment variable holding the LWA client id.'),
  clientSecretEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/).describe('The environment variable holding the LWA client secret.'),
  refreshTokenEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/).describe('The environment variable holding the seller\'s LWA refresh token.'),
}).describe('Amazon SP-API settings of a kind: amazon partner: seller, marketplaces, region and the LWA credentials\' environment variables.');

export type AmazonProfile = z.infer<typeof AmazonProfileSchema>;
