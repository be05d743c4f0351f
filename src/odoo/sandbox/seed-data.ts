/**
 * What the sandbox Odoo is seeded with: the customers, delivery addresses, products and
 * warehouses that the example partner profiles (partner-profiles/*) refer to by `ref`,
 * `barcode` (GLN / GTIN / UPC) and `default_code`. Pure data, so the connector's tests and the
 * profiles can import the same values instead of repeating them.
 */

export interface SeedAddress { street: string; street2?: string; city: string; state: string; zip: string; country: string }

export interface SeedPartner {
  key: string;
  name: string;
  ref: string;
  barcode?: string;
  isCompany: boolean;
  address: SeedAddress;
  pricelist?: string;
  children?: { name: string; ref: string; barcode?: string; type: 'delivery' | 'invoice'; address: SeedAddress }[];
}

export const SEED_COMPANY = {
  name: 'Odoo Distribution',
  gln: '5790000000001',
  address: { street: '1 Depot Rd', city: 'Joliet', state: 'IL', zip: '60431', country: 'US' },
};

export const SEED_PARTNERS: SeedPartner[] = [
  {
    key: 'acme', name: 'ACME Retail', ref: 'ACME-RETAIL', isCompany: true,
    address: { street: 'PO Box 4400', city: 'Springfield', state: 'IL', zip: '62708', country: 'US' },
    // partner-profiles/acme-retail/locations.csv: store number → delivery_ref.
    children: [
      { name: 'ACME Store 0042 Springfield', ref: 'ACME-ST-0042', type: 'delivery', address: { street: '1200 Main Street', city: 'Springfield', state: 'IL', zip: '62701', country: 'US' } },
      { name: 'ACME Store 0077 Decatur', ref: 'ACME-ST-0077', type: 'delivery', address: { street: '455 Oak Avenue', city: 'Decatur', state: 'IL', zip: '62521', country: 'US' } },
    ],
  },
  {
    key: 'summit', name: 'Summit Grocers', ref: 'SUMMIT-GROCERS', isCompany: true, pricelist: 'Summit Grocers Contract',
    address: { street: '10 Market Square', city: 'Harrisburg', state: 'PA', zip: '17101', country: 'US' },
    // partner-profiles/summit-grocers/locations.csv: GLN (N104 with N103 = UL) → delivery_ref.
    children: [
      { name: 'Summit DC East Harrisburg', ref: 'SUMMIT-DC-EAST', barcode: '0614141000418', type: 'delivery', address: { street: '55 Logistics Parkway', city: 'Harrisburg', state: 'PA', zip: '17111', country: 'US' } },
      { name: 'Summit DC West Columbus', ref: 'SUMMIT-DC-WEST', barcode: '0614141000425', type: 'delivery', address: { street: '900 Distribution Drive', city: 'Columbus', state: 'OH', zip: '43217', country: 'US' } },
    ],
  },
  {
    // partner-profiles/nordmart: identified by its GLN (UNB qualifier 14).
    key: 'nordmart', name: 'Nordmart', ref: 'NORDMART', barcode: '5412345000013', isCompany: true,
    address: { street: 'Rue de la Loi 42', city: 'Brussels', state: '', zip: '1000', country: 'BE' },
    // partner-profiles/nordmart/locations.csv: GLN (NAD+DP) → delivery_ref.
    children: [
      { name: 'Nordmart DC Göteborg', ref: 'NORDMART-DC-GBG', barcode: '5412345000020', type: 'delivery', address: { street: 'Hamnvägen 10', city: 'Göteborg', state: '', zip: '41764', country: 'SE' } },
      { name: 'Nordmart DC Malmö', ref: 'NORDMART-DC-MMA', barcode: '5412345000037', type: 'delivery', address: { street: 'Industrigatan 5', city: 'Malmö', state: '', zip: '21214', country: 'SE' } },
    ],
  },
  {
    // partner-profiles/coupa-buyer (kind cxml): its orders' customer; ship-tos become delivery contacts (createDeliveryAddresses).
    key: 'coupa', name: 'Coupa Buyer Corp', ref: 'COUPA-BUYER', isCompany: true,
    address: { street: '1 Market Street', city: 'San Francisco', state: '', zip: '94105', country: 'US' },
  },
  {
    // partner-profiles/shop-demo (kind shopify): the web store's orders; each shopper's address becomes a delivery contact.
    key: 'shopdemo', name: 'Shop Demo Online Store', ref: 'SHOP-DEMO', isCompany: true,
    address: { street: '77 Commerce Way', city: 'Chicago', state: 'IL', zip: '60601', country: 'US' },
  },
  {
    // partner-profiles/amazon-demo (kind amazon): its orders' customer; each buyer's address becomes a delivery contact.
    key: 'amazon', name: 'Amazon Marketplace (Demo Seller)', ref: 'AMAZON-DEMO', isCompany: true,
    address: { street: '410 Terry Ave N', city: 'Seattle', state: 'WA', zip: '98109', country: 'US' },
  },
  {
    key: 'swift', name: 'Swift 3PL', ref: 'SWIFT-3PL', isCompany: true,
    address: { street: '2400 Logistics Way', city: 'Joliet', state: 'IL', zip: '60436', country: 'US' },
  },
];

/** partner-profiles/acme-retail/items.csv and summit-grocers/items.csv. */
export const SEED_PRODUCTS = [
  { defaultCode: 'ODW-1001', barcode: '012345678905', name: 'Red Widget 12 inch', listPrice: 12.5 },
  { defaultCode: 'ODW-1002', barcode: '012345678912', name: 'Blue Widget', listPrice: 4 },
  { defaultCode: 'ODW-1003', barcode: '012345678929', name: 'Green Widget', listPrice: 6 },
  // Summit orders cases by GTIN-14 and sells the case product (its price is per case).
  { defaultCode: 'ODW-2001', barcode: '10614141000012', name: 'Granola Oats 12 ct Case', listPrice: 19.9 },
  { defaultCode: 'ODW-2002', barcode: '10614141000029', name: 'Trail Mix 12 ct Case', listPrice: 23.9 },
  { defaultCode: 'ODW-2003', barcode: '061414100034', name: 'Honey 16 oz', listPrice: 5.25 },
] as const;

/** A sale order's currency is its pricelist's: partner-profiles/nordmart orders in EUR (odoo.pricelists.EUR). */
export const SEED_PRICELISTS: { name: string; xmlid?: string; currency: 'USD' | 'EUR'; prices: Record<string, number> }[] = [
  { name: 'Public Pricelist', xmlid: 'product.list0', currency: 'USD', prices: {} },
  { name: 'Summit Grocers Contract', currency: 'USD', prices: { 'ODW-2001': 18.6, 'ODW-2002': 22.4, 'ODW-2003': 4.95 } },
  { name: 'Nordmart EUR', currency: 'EUR', prices: {} },
];

/**
 * Units of measure beyond Odoo's own (Units, Dozens, kg): the packs the profiles name as odooUom
 * (partner-profiles/acme-retail: CA = 12 EA, 'Case of 12'), in the Unit category.
 */
export const SEED_UOMS = [{ name: 'Case of 12', ratio: 12 }] as const;

/** The generic chart of accounts' default taxes on 18: 15% on sales and on purchases, on every new product. */
export const SEED_TAX_PERCENT = 15;

/** WH is ours; SWF is the 3PL's (partner-profiles/swift-3pl `odoo.warehouse: SWF`). On hand per product. */
export const SEED_WAREHOUSES = [
  { code: 'WH', name: 'Odoo Distribution', partnerKey: null, onHand: 500 },
  { code: 'SWF', name: 'Swift 3PL Joliet', partnerKey: 'swift', onHand: 200 },
] as const;

export const SEED_CARRIERS = ['UPS Ground', 'Old Dominion'];

/** Users. uid 2 is admin as in every Odoo database; the bot gets 6, the first free id of a fresh database. */
export const SEED_USERS = {
  admin: { uid: 2, login: 'admin', password: 'admin', apiKey: 'admin', name: 'Mitchell Admin' },
  bot: {
    uid: 6, login: 'edi-bot', password: null, apiKey: 'edi-bot', name: 'EDI Bot',
    // As the real-Odoo kit makes its edi-bot (../shared/real-odoo ODOO_BOT_EMAIL, ODOO_BOT_GROUPS).
    email: 'edi-bot@example.com',
    groups: [
      'base.group_user', 'base.group_partner_manager', 'sales_team.group_sale_salesman_all_leads',
      'stock.group_stock_user', 'account.group_account_invoice', 'purchase.group_purchase_user',
    ],
  },
} as const;
