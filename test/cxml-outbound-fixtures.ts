import { XMLParser } from 'fast-xml-parser';
import { InvoiceSchema, OrderAckSchema, ShipmentSchema, type Invoice, type OrderAck, type Shipment } from '../src/canonical';

/**
 * Canonical documents as the Odoo event mappers make them for the coupa-buyer sample order
 * (PO CB-PO-10045, payloadID 1796371200000.4242.coupa@coupa-buyer.example), and a reader of what
 * we write that we did not write: fast-xml-parser in document order, checked against the content
 * models of cXML's DTDs (Fulfill.dtd 1.2.050, InvoiceDetail.dtd 1.2.037) for the elements we emit.
 */

export const ORDER_PAYLOAD_ID = '1796371200000.4242.coupa@coupa-buyer.example';
const source = { standard: 'cXML' as const, version: '1.2.014', senderId: 'AN01000002779', receiverId: '5790000000001', interchangeControl: ORDER_PAYLOAD_ID, setControl: 'CB-PO-10045' };

export function ack(over: Partial<OrderAck> = {}): OrderAck {
  return OrderAckSchema.parse({
    type: 'order_ack', partnerId: 'coupa-buyer', source, poNumber: 'CB-PO-10045', poDate: '2026-12-05', orderNumber: 'S00042', ackDate: '2026-12-05',
    status: 'accepted', currency: 'USD',
    lines: [
      { lineNumber: '1', status: 'accepted', orderedQuantity: 10, quantity: 10, uom: 'EA', unitPrice: 12.5, ids: { vendorItem: 'ODW-1001', vendorItemAux: 'RED-12' }, productCode: 'ODW-1001', scheduledDate: '2026-12-12' },
      { lineNumber: '2', status: 'accepted', orderedQuantity: 9, quantity: 9, uom: 'EA', unitPrice: 4.11, ids: { vendorItem: 'ODW-1002' }, productCode: 'ODW-1002' },
    ],
    ...over,
  });
}

export function shipment(over: Partial<Shipment> = {}): Shipment {
  return ShipmentSchema.parse({
    type: 'shipment', partnerId: 'coupa-buyer', source, shipmentId: 'WH-OUT-00007', purpose: 'original', shipDate: '2026-12-08', shipTime: '1430',
    trackingNumber: '1Z999AA10123456784', references: [{ qualifier: '2I', value: '1Z999AA10123456795' }],
    orders: [{
      poNumber: 'CB-PO-10045', poDate: '2026-12-05', orderNumber: 'S00042',
      packs: [{ items: [
        { lineNumber: '1', ids: { vendorItem: 'ODW-1001', vendorItemAux: 'RED-12' }, quantity: 10, uom: 'EA', orderedQuantity: 10, productCode: 'ODW-1001' },
        { lineNumber: '2', ids: { vendorItem: 'ODW-1002' }, quantity: 6, uom: 'EA', orderedQuantity: 9, productCode: 'ODW-1002' },
      ] }],
      items: [],
    }],
    ...over,
  });
}

export function invoice(over: Partial<Invoice> = {}): Invoice {
  return InvoiceSchema.parse({
    type: 'invoice', partnerId: 'coupa-buyer', source, invoiceNumber: 'INV/2026/00012', invoiceDate: '2026-12-09', invoiceType: 'invoice',
    poNumber: 'CB-PO-10045', poDate: '2026-12-05', orderNumber: 'S00042', currency: 'USD', references: [],
    terms: { type: '01', netDays: 30 },
    lines: [
      { lineNumber: '1', quantity: 10, uom: 'EA', unitPrice: 12.5, amount: 125, ids: { vendorItem: 'ODW-1001', vendorItemAux: 'RED-12' }, description: 'Red Widget 12 inch', productCode: 'ODW-1001',
        taxes: [{ type: 'ST', amount: 10.94, percent: 8.75, taxableAmount: 125 }] },
      { lineNumber: '2', quantity: 6, uom: 'EA', unitPrice: 4.11, amount: 24.66, ids: { vendorItem: 'ODW-1002' }, description: 'Blue Widget', productCode: 'ODW-1002',
        taxes: [{ type: 'ST', amount: 2.16, percent: 8.75, taxableAmount: 24.66 }] },
    ],
    allowancesCharges: [],
    taxes: [{ type: 'ST', amount: 13.1, percent: 8.75, taxableAmount: 149.66 }],
    untaxedAmount: 149.66,
    totalAmount: 162.76,
    ...over,
  });
}

/**
 * Content models of the cXML elements we write, as the DTDs declare them (element children only;
 * what we never write is still listed where it sits, so that order is checked against the real
 * sequence), and their required attributes.
 */
export const CONTENT_MODELS: Record<string, { model: string; required?: string[] }> = {
  cXML: { model: '((Header, (Message | Request)) | Response), ds:Signature*', required: ['payloadID', 'timestamp'] },
  Header: { model: 'From, To, Sender, (Path, OriginalDocument)?' },
  From: { model: 'Credential+' },
  To: { model: 'Credential+' },
  Sender: { model: 'Credential+, UserAgent' },
  Credential: { model: 'Identity, (SharedSecret | DigitalSignature | CredentialMac)?', required: ['domain'] },
  Request: { model: 'ConfirmationRequest | ShipNoticeRequest | InvoiceDetailRequest' },
  OrderReference: { model: 'DocumentReference' },
  DocumentReference: { model: '', required: ['payloadID'] },
  Money: { model: '', required: ['currency'] },
  UnitPrice: { model: 'Money' },
  ItemID: { model: 'SupplierPartID, SupplierPartAuxiliaryID?, BuyerPartID?, IdReference*' },
  Description: { model: 'ShortName*', required: ['xml:lang'] },
  // Fulfill.dtd
  ConfirmationRequest: { model: 'ConfirmationHeader, OrderReference, (OrderStatusRequestReference | OrderStatusRequestIDInfo)*, ConfirmationItem*' },
  ConfirmationHeader: { model: 'DocumentReference?, Total?, Shipping?, Tax?, Contact*, Hazard*, Comments*, IdReference*, Extrinsic*', required: ['type', 'noticeDate'] },
  ConfirmationItem: { model: 'UnitOfMeasure, Contact*, Hazard*, ConfirmationStatus+', required: ['quantity', 'lineNumber'] },
  ConfirmationStatus: { model: 'UnitOfMeasure, (ItemIn | (UnitPrice?, Tax?, Shipping?)), SupplierBatchID?, ScheduleLineReference?, ComponentConsumptionDetails*, Comments*, Extrinsic*', required: ['quantity', 'type'] },
  ShipNoticeRequest: { model: 'ShipNoticeHeader, ShipControl*, ShipNoticePortion*' },
  ShipNoticeHeader: { model: 'ServiceLevel*, DocumentReference?, Contact*, LegalEntity?, OrganizationalUnit*, Hazard*, Comments*, TermsOfDelivery?, TermsOfTransport*, Packaging?, Extrinsic*, IdReference*, ReferenceDocumentInfo*', required: ['shipmentID', 'noticeDate'] },
  ShipControl: { model: 'CarrierIdentifier+, ShipmentIdentifier+, PackageIdentification?, (Route | TransportInformation)*, Contact*, Comments*, Extrinsic*' },
  CarrierIdentifier: { model: '', required: ['domain'] },
  ShipNoticePortion: { model: 'OrderReference, (MasterAgreementReference | MasterAgreementIDInfo)?, Contact*, Comments*, Extrinsic*, ShipNoticeItem*, ReferenceDocumentInfo*' },
  ShipNoticeItem: { model: 'ItemID?, ShipNoticeItemDetail?, UnitOfMeasure, Packaging*, Hazard*, (Batch | SupplierBatchID)*, AssetInfo*, TermsOfDelivery?, OrderedQuantity?, ShipNoticeItemIndustry?, ComponentConsumptionDetails*, ReferenceDocumentInfo*, Comments*, Extrinsic*', required: ['quantity', 'lineNumber'] },
  // InvoiceDetail.dtd
  InvoiceDetailRequest: { model: 'InvoiceDetailRequestHeader, (InvoiceDetailOrder+ | InvoiceDetailHeaderOrder+), InvoiceDetailSummary' },
  InvoiceDetailRequestHeader: { model: 'InvoiceDetailHeaderIndicator, InvoiceDetailLineIndicator, InvoicePartner*, DocumentReference?, InvoiceIDInfo?, PaymentProposalIDInfo?, InvoiceDetailShipping?, ShipNoticeIDInfo?, (InvoiceDetailPaymentTerm* | PaymentTerm*), Period?, Comments?, IdReference*, Extrinsic*', required: ['invoiceID', 'invoiceDate'] },
  InvoiceDetailPaymentTerm: { model: '', required: ['payInNumberOfDays', 'percentageRate'] },
  InvoiceDetailOrder: { model: 'InvoiceDetailOrderInfo, InvoiceDetailReceiptInfo?, InvoiceDetailShipNoticeInfo?, (InvoiceDetailItem | InvoiceDetailServiceItem)+' },
  InvoiceDetailOrderInfo: { model: '(OrderReference, (MasterAgreementReference | MasterAgreementIDInfo)?, SupplierOrderInfo?) | (MasterAgreementReference, OrderIDInfo?, SupplierOrderInfo?) | (MasterAgreementIDInfo, OrderIDInfo?, SupplierOrderInfo?) | (OrderIDInfo, SupplierOrderInfo?) | SupplierOrderInfo' },
  OrderIDInfo: { model: 'IdReference*', required: ['orderID'] },
  SupplierOrderInfo: { model: '', required: ['orderID'] },
  InvoiceDetailItem: { model: 'UnitOfMeasure, UnitPrice, PriceBasisQuantity?, InvoiceDetailItemReference, ReceiptLineItemReference?, ShipNoticeLineItemReference?, (ServiceEntryItemReference | ServiceEntryItemIDInfo)?, ProductMovementItemIDInfo?, SubtotalAmount?, Tax?, InvoiceDetailLineSpecialHandling?, InvoiceDetailLineShipping?, ShipNoticeIDInfo?, GrossAmount?, InvoiceDetailDiscount?, InvoiceItemModifications?, TotalCharges?, TotalAllowances?, TotalAmountWithoutTax?, NetAmount?, Distribution*, Packaging*, InvoiceDetailItemIndustry?, Comments?, CustomsInfo?, Extrinsic*', required: ['invoiceLineNumber', 'quantity'] },
  InvoiceDetailItemReference: { model: 'ItemID?, Description?, Classification*, (ManufacturerPartID, ManufacturerName)?, Country?, SerialNumber*, SupplierBatchID?, InvoiceDetailItemReferenceIndustry?', required: ['lineNumber'] },
  InvoiceDetailSummary: { model: 'SubtotalAmount, Tax, SpecialHandlingAmount?, ShippingAmount?, GrossAmount?, InvoiceDetailDiscount?, InvoiceHeaderModifications?, InvoiceDetailSummaryLineItemModifications?, TotalCharges?, TotalAllowances?, TotalAmountWithoutTax?, NetAmount, DepositAmount?, DueAmount?, InvoiceDetailSummaryIndustry?' },
  Tax: { model: 'Money, Description, TaxDetail*, Distribution*, Extrinsic*' },
  TaxDetail: { model: 'TaxableAmount?, TaxAmount, TaxLocation?, Description?, TriangularTransactionLawReference?, TaxRegime?, TaxExemption?, Extrinsic*', required: ['category'] },
  SubtotalAmount: { model: 'Money' }, GrossAmount: { model: 'Money' }, NetAmount: { model: 'Money' }, DueAmount: { model: 'Money' },
  TaxAmount: { model: 'Money' }, TaxableAmount: { model: 'Money' }, TotalCharges: { model: 'Money' }, TotalAllowances: { model: 'Money' },
};

const modelRegex = new Map<string, RegExp>();
function regexOf(model: string): RegExp {
  let r = modelRegex.get(model);
  if (!r) {
    r = new RegExp(`^(?:${model.replace(/[A-Za-z][\w:.]*/g, (n) => `(?:<${n}>)`).replace(/[\s,]/g, '')})$`);
    modelRegex.set(model, r);
  }
  return r;
}

type Ordered = Record<string, unknown>;
const nameOf = (n: Ordered) => Object.keys(n).find((k) => k !== ':@')!;

const ordered = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', processEntities: false, htmlEntities: false, parseTagValue: false, parseAttributeValue: false, ignoreDeclaration: true });

/**
 * Every element we emit whose model is known, checked: its element children in an order the
 * content model allows, its required attributes present. Returns the problems as element paths
 * (none is what a test wants) and the number of elements checked.
 */
export function checkAgainstDtd(xml: string): { problems: string[]; checked: number } {
  const problems: string[] = [];
  let checked = 0;
  const walk = (nodes: Ordered[], at: string) => {
    for (const n of nodes) {
      const name = nameOf(n);
      if (name === '#text' || name.startsWith('!') || name.startsWith('?')) continue;
      const kids = (n[name] as Ordered[]).filter((k) => nameOf(k) !== '#text');
      const path = `${at}/${name}`;
      const def = CONTENT_MODELS[name];
      if (def) {
        checked++;
        const seq = kids.map((k) => `<${nameOf(k)}>`).join('');
        if (!regexOf(def.model).test(seq)) problems.push(`${path}: children ${seq || '(none)'} do not fit (${def.model})`);
        const attrs = (n[':@'] ?? {}) as Record<string, string>;
        for (const a of def.required ?? []) if (attrs[a] === undefined) problems.push(`${path}: required attribute ${a} is missing`);
      }
      walk(kids, path);
    }
  };
  walk(ordered.parse(xml) as Ordered[], '');
  return { problems, checked };
}

/** The same document as a plain tree (attributes '@'), to read values back. */
export const plain = new XMLParser({
  ignoreAttributes: false, attributeNamePrefix: '@', processEntities: true, htmlEntities: false, parseTagValue: false, parseAttributeValue: false,
  isArray: (name) => ['ConfirmationItem', 'ConfirmationStatus', 'ShipNoticePortion', 'ShipNoticeItem', 'ShipmentIdentifier', 'CarrierIdentifier', 'InvoiceDetailItem', 'TaxDetail', 'InvoiceDetailPaymentTerm'].includes(name),
});
