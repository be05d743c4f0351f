import { z } from 'zod';

/**
 * The `cxml` block of a `kind: cxml` profile: who the buyer is on its procurement network and
 * where its shared secret lives. The secret itself is never in the profile (the environment
 * variable named here holds it), as the SFTP and AS2 keys are named and not written.
 */
export const CxmlProfileSchema = z.strictObject({
  identity: z.string().min(1)
    .describe('The buyer\'s identity in Header/Sender/Credential/Identity of its cXML, e.g. AN01000002779 (an Ariba Network id).'),
  domain: z.string().min(1).default('NetworkID')
    .describe('The credential domain that identity is in (Header/Sender/Credential/@domain), e.g. NetworkID or DUNS; compared '
      + 'without regard to case. Default NetworkID.'),
  sharedSecretEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name, e.g. COUPA_BUYER_CXML_SECRET')
    .describe('The environment variable that holds the shared secret the buyer sends in Header/Sender/Credential/SharedSecret, '
      + 'e.g. COUPA_BUYER_CXML_SECRET. While it is unset every request of this buyer is answered 500. The same secret goes in '
      + 'Header/Sender of what we send the buyer; it is put in at send time and never stored.'),
  ourIdentity: z.string().min(1).optional()
    .describe('Our identity as this buyer knows us, for Header/From and Header/Sender of the ConfirmationRequest, ShipNoticeRequest '
      + 'and InvoiceDetailRequest we send (the To of its OrderRequests), e.g. our supplier network id or DUNS. Required to send '
      + 'the buyer anything: without it those documents are not rendered (a failed Odoo event naming this field).'),
  ourDomain: z.string().min(1).default('NetworkID')
    .describe('The credential domain of ourIdentity (NetworkID, DUNS ...). Default NetworkID.'),
  postUrl: z.url({ protocol: /^https?$/, error: 'an http(s) URL, e.g. https://buyer.coupahost.com/cxml/invoices' }).optional()
    .describe('Where we POST our cXML documents for this buyer (its network or procurement system\'s cXML endpoint, e.g. '
      + 'https://buyer.coupahost.com/cxml/invoices). Required to send: while it is unset each outbound document is stored and '
      + 'becomes an exception (CONFIG_INVALID) that a replay sends once it is set.'),
}).describe('cXML settings of a kind: cxml partner: the buyer\'s network identity, its credential domain and the shared secret\'s '
  + 'environment variable; for what we send back, our identity and the buyer\'s URL. Orders are POSTed to /cxml/<partner id>. SupplierPartID is looked up as our product code '
  + '(vendorItem) unless crossReferences.items maps it (vendor_item column).');

export type CxmlProfile = z.infer<typeof CxmlProfileSchema>;
