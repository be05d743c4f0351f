import crypto from 'node:crypto';

/**
 * Shopify signs each webhook with the app's client secret: X-Shopify-Hmac-Sha256 is the base64
 * HMAC-SHA256 of the raw body. Compared in constant time; anything malformed is simply not valid.
 */
export function webhookSignature(body: Buffer, secret: string): string {
  return crypto.createHmac('sha256', secret).update(body).digest('base64');
}

export function verifyWebhook(body: Buffer, header: string | undefined, secret: string): boolean {
  if (!header || !secret) return false;
  const expected = Buffer.from(webhookSignature(body, secret), 'base64');
  let given: Buffer;
  try {
    given = Buffer.from(header.trim(), 'base64');
  } catch {
    return false;
  }
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}
