import type { Sniffed } from '../parsers/sniff';
import type { PartnerProfile } from './profile.schema';

/** Finds the partner behind an interchange's sender (or, for what we send, receiver) ids. */
export class PartnerRegistry {
  private readonly byId = new Map<string, PartnerProfile>();

  constructor(readonly profiles: readonly PartnerProfile[]) {
    for (const p of profiles) this.byId.set(p.id, p);
  }

  get(id: string): PartnerProfile | undefined {
    return this.byId.get(id);
  }

  byX12(qualifier: string, id: string): PartnerProfile | undefined {
    return this.profiles.find((p) => p.identifiers.x12.some((i) => i.qualifier === qualifier && i.id === id));
  }

  /** The qualifier is optional in UNB; when the interchange gives one it must match. */
  byEdifact(id: string, qualifier?: string): PartnerProfile | undefined {
    return this.profiles.find((p) => p.identifiers.edifact.some(
      (i) => i.id === id && (!qualifier || !i.qualifier || i.qualifier === qualifier)));
  }

  /** A kind: cxml buyer by its Sender credential; domains and identities compare without regard to case, as cXML's do. */
  byCxml(domain: string, identity: string): PartnerProfile | undefined {
    return this.profiles.find((p) => p.kind === 'cxml' && p.cxml
      && p.cxml.domain.toLowerCase() === domain.toLowerCase() && p.cxml.identity.toLowerCase() === identity.toLowerCase());
  }

  /** A kind: shopify store by its myshopify.com domain. */
  byShopify(shop: string): PartnerProfile | undefined {
    return this.profiles.find((p) => p.kind === 'shopify' && p.shopify?.shop === shop.toLowerCase());
  }

  /** A kind: amazon seller by its seller id, in the marketplace the order came from. */
  byAmazon(sellerId: string, marketplaceId: string): PartnerProfile | undefined {
    return this.profiles.find((p) => p.kind === 'amazon' && p.amazon?.sellerId === sellerId && (!marketplaceId || p.amazon.marketplaceIds.includes(marketplaceId)));
  }

  senderOf(s: Sniffed): PartnerProfile | undefined {
    if (s.standard === 'Shopify') return this.byShopify(s.sender.id);
    if (s.standard === 'X12') return this.byX12(s.sender.qualifier, s.sender.id);
    if (s.standard === 'cXML') return s.sender ? this.byCxml(s.sender.qualifier, s.sender.id) : undefined;
    if (s.standard === 'Amazon') return this.byAmazon(s.sender.id, s.receiver.id);
    if (s.standard === 'EDIFACT') return this.byEdifact(s.sender.id, s.sender.qualifier);
    return undefined;
  }
}
