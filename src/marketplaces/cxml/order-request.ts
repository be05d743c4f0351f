import type { Order, OrderLine, OrderPurpose, Party } from '../../canonical';
import type { PartnerProfile } from '../../partners/profile.schema';
import { compact, convertUom, resolveItem, resolveLocation } from '../../translators/resolve';
import { attr, children, node, text, type CxmlDocument, type XmlNode } from './parse-cxml';

/** One thing wrong with an OrderRequest, placed by its element path (e.g. cXML/Request/OrderRequest/ItemOut[2]/@quantity). */
export interface CxmlIssue {
  path: string;
  message: string;
  /** The value at fault, when there is one (an unknown item's SupplierPartID). */
  value?: string;
  /**
   * A business problem (an item or ship-to the profile's tables lack), not a malformed request:
   * the order is accepted and stored, and becomes an exception a person fixes and replays.
   */
  business?: true;
}

export interface CxmlOrderResult {
  /** The order, when the request holds one that can be read; absent when an issue makes it unreadable. */
  order?: Order;
  issues: CxmlIssue[];
}

const BASE = 'cXML/Request/OrderRequest';
const PURPOSE: Record<string, OrderPurpose> = { new: 'original', update: 'replace', delete: 'cancel' };

/** A cXML date (ISO 8601, e.g. 2026-12-05T09:30:00-05:00): its calendar date as the buyer wrote it. */
function isoDate(v: string | undefined): string | undefined {
  const m = v && /^(\d{4})-(\d{2})-(\d{2})(?:$|T)/.exec(v);
  if (!m) return undefined;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]) ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
}

function amount(v: string | undefined): number | undefined {
  if (v === undefined || !/^-?\d+(\.\d+)?$/.test(v.replace(/,/g, ''))) return undefined;
  // 400 digits are digits, but no double: Infinity is no amount (the canonical schema refuses it).
  const n = Number(v.replace(/,/g, ''));
  return Number.isFinite(n) ? n : undefined;
}

/** An Address element -> a party; its addressID is the party's code (looked up in the locations table, if any). */
function party(addressHolder: XmlNode | undefined, where: string, issues: CxmlIssue[], required: boolean): Party | undefined {
  const address = node(addressHolder?.Address);
  if (!address) {
    if (required) issues.push({ path: `${where}/Address`, message: `${where}/Address is missing` });
    return undefined;
  }
  const name = text(address.Name);
  if (!name) issues.push({ path: `${where}/Address/Name`, message: `${where}/Address/Name is missing` });
  const postal = node(address.PostalAddress);
  const lines = postal ? [...children(postal, 'DeliverTo'), ...children(postal, 'Street')].map((n) => text(n)).filter((t): t is string => !!t) : [];
  if (postal && !children(postal, 'Street').some((s) => text(s))) issues.push({ path: `${where}/Address/PostalAddress/Street`, message: `${where}/Address/PostalAddress/Street is missing` });
  if (postal && !text(postal.City)) issues.push({ path: `${where}/Address/PostalAddress/City`, message: `${where}/Address/PostalAddress/City is missing` });
  const country = node(postal?.Country);
  return compact({
    name,
    code: attr(address, 'addressID'),
    address: postal ? compact({
      lines, city: text(postal.City), region: text(postal.State), postalCode: text(postal.PostalCode),
      country: attr(country, 'isoCountryCode') ?? text(country),
    }) : undefined,
  });
}

/**
 * An OrderRequest -> the canonical Order, checked as it is read: every issue names the element
 * path. SupplierPartID is the vendor's item id (vendorItem): our product code as it is, unless the
 * profile's items table maps it (vendor_item column), as an 850's VN would be.
 */
export function orderFromCxml(doc: CxmlDocument, profile: PartnerProfile, opts: { messageId?: number } = {}): CxmlOrderResult {
  const issues: CxmlIssue[] = [];
  if (doc.requestType !== 'OrderRequest' || !doc.request) {
    return { issues: [{ path: 'cXML/Request', message: `cXML/Request holds ${doc.requestType}, not an OrderRequest` }] };
  }
  const req = doc.request;
  const header = node(req.OrderRequestHeader);
  if (!header) return { issues: [{ path: `${BASE}/OrderRequestHeader`, message: `${BASE}/OrderRequestHeader is missing` }] };
  const H = `${BASE}/OrderRequestHeader`;
  const poNumber = attr(header, 'orderID');
  if (!poNumber) issues.push({ path: `${H}/@orderID`, message: `${H}/@orderID is missing` });
  const rawDate = attr(header, 'orderDate');
  const poDate = isoDate(rawDate);
  if (!rawDate) issues.push({ path: `${H}/@orderDate`, message: `${H}/@orderDate is missing` });
  else if (!poDate) issues.push({ path: `${H}/@orderDate`, message: `${H}/@orderDate '${rawDate}' is not an ISO 8601 date`, value: rawDate });
  const type = attr(header, 'type') ?? 'new';
  const purpose = PURPOSE[type];
  if (!purpose) issues.push({ path: `${H}/@type`, message: `${H}/@type '${type}' is not new, update or delete`, value: type });

  const totalMoney = node(node(header.Total)?.Money);
  const currency = attr(totalMoney, 'currency');
  if (!totalMoney) issues.push({ path: `${H}/Total/Money`, message: `${H}/Total/Money is missing` });
  else if (!currency) issues.push({ path: `${H}/Total/Money/@currency`, message: `${H}/Total/Money/@currency is missing` });

  const shipTo = resolveLocation(profile, party(node(header.ShipTo), `${H}/ShipTo`, issues, true), 'ShipTo', {});
  if (shipTo.issue) issues.push({ path: `${H}/ShipTo/Address/@addressID`, message: shipTo.issue.message, value: String(shipTo.issue.value ?? ''), business: true });
  const billTo = party(node(header.BillTo), `${H}/BillTo`, issues, true);

  const items = children(req, 'ItemOut');
  if (!items.length) issues.push({ path: `${BASE}/ItemOut`, message: `${BASE} has no ItemOut` });
  const seen = new Set<string>();
  const lines: OrderLine[] = [];
  items.forEach((item, i) => {
    const at = `${BASE}/ItemOut[${i + 1}]`;
    const lineNumber = attr(item, 'lineNumber');
    if (!lineNumber) issues.push({ path: `${at}/@lineNumber`, message: `${at}/@lineNumber is missing` });
    else if (seen.has(lineNumber)) issues.push({ path: `${at}/@lineNumber`, message: `${at}/@lineNumber ${lineNumber} is used by an earlier ItemOut`, value: lineNumber });
    else seen.add(lineNumber);
    const rawQty = attr(item, 'quantity');
    const quantity = amount(rawQty);
    if (rawQty === undefined) issues.push({ path: `${at}/@quantity`, message: `${at}/@quantity is missing` });
    else if (quantity === undefined || quantity <= 0) issues.push({ path: `${at}/@quantity`, message: `${at}/@quantity '${rawQty}' is not a positive number`, value: rawQty });
    const itemId = node(item.ItemID);
    const supplierPartId = text(itemId?.SupplierPartID);
    if (!supplierPartId) issues.push({ path: `${at}/ItemID/SupplierPartID`, message: `${at}/ItemID/SupplierPartID is missing` });
    const detail = node(item.ItemDetail);
    if (!detail) issues.push({ path: `${at}/ItemDetail`, message: `${at}/ItemDetail is missing` });
    const money = node(node(detail?.UnitPrice)?.Money);
    const rawPrice = text(money);
    const unitPrice = amount(rawPrice);
    if (detail && !money) issues.push({ path: `${at}/ItemDetail/UnitPrice/Money`, message: `${at}/ItemDetail/UnitPrice/Money is missing` });
    else if (money && unitPrice === undefined) issues.push({ path: `${at}/ItemDetail/UnitPrice/Money`, message: `${at}/ItemDetail/UnitPrice/Money '${rawPrice ?? ''}' is not a number`, value: rawPrice });
    const lineCurrency = attr(money, 'currency');
    if (money && !lineCurrency) issues.push({ path: `${at}/ItemDetail/UnitPrice/Money/@currency`, message: `${at}/ItemDetail/UnitPrice/Money/@currency is missing` });
    else if (money && currency && lineCurrency !== currency) {
      issues.push({ path: `${at}/ItemDetail/UnitPrice/Money/@currency`, message: `${at}/ItemDetail/UnitPrice/Money/@currency ${lineCurrency} differs from the order's ${currency}`, value: lineCurrency });
    }
    const uom = text(detail?.UnitOfMeasure);
    if (detail && !uom) issues.push({ path: `${at}/ItemDetail/UnitOfMeasure`, message: `${at}/ItemDetail/UnitOfMeasure is missing` });
    const rawDelivery = attr(item, 'requestedDeliveryDate');
    const requestedDelivery = isoDate(rawDelivery);
    if (rawDelivery && !requestedDelivery) issues.push({ path: `${at}/@requestedDeliveryDate`, message: `${at}/@requestedDeliveryDate '${rawDelivery}' is not an ISO 8601 date`, value: rawDelivery });
    if (!lineNumber || quantity === undefined || !supplierPartId || !uom) return;

    const ids = compact({ vendorItem: supplierPartId, vendorItemAux: text(itemId?.SupplierPartAuxiliaryID), buyerItem: text(itemId?.BuyerPartID) });
    // Without an items table the SupplierPartID is our product code; with one, the table says which.
    const item_ = profile.xref?.items ? resolveItem(profile, ids, { lineNumber }) : { productCode: supplierPartId };
    if (item_.issue) issues.push({ path: `${at}/ItemID/SupplierPartID`, message: `${at}: ${item_.issue.message}`, value: supplierPartId, business: true });
    const converted = convertUom(profile, quantity, uom, unitPrice, { keepOdooUnits: true });
    lines.push(compact({
      lineNumber, quantity: converted.quantity, uom: converted.uom, unitPrice: converted.unitPrice, ids,
      description: text(detail?.Description), productCode: item_.productCode, requestedDelivery,
    }));
  });
  if (!poNumber || !poDate || !purpose) return { issues };

  const comments = children(header, 'Comments').map((c) => text(c)).filter((t): t is string => !!t);
  const sender = doc.sender[0];
  const order: Order = compact({
    type: 'order' as const,
    partnerId: profile.id,
    source: compact({
      standard: 'cXML' as const, version: doc.version ?? '', senderId: sender?.identity ?? '', receiverId: doc.to[0]?.identity ?? '',
      interchangeControl: doc.payloadID, setControl: poNumber, messageId: opts.messageId,
    }),
    poNumber, poDate, purpose,
    orderType: type,
    releaseNumber: attr(header, 'orderVersion'),
    currency,
    buyer: sender ? { code: sender.identity, codeQualifier: sender.domain } : undefined,
    billTo, shipTo: shipTo.party,
    dates: compact({ requestedDelivery: isoDate(attr(header, 'requestedDeliveryDate')) }),
    references: [{ qualifier: 'payloadID', value: doc.payloadID }],
    lines,
    notes: comments.map((t) => ({ qualifier: 'Comments', text: t })),
    control: compact({ lineCount: items.length, totalAmount: amount(text(totalMoney)) }),
  });
  return { order, issues };
}
