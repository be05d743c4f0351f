import type { CanonicalDocument, Source } from '../canonical';
import type { PartnerProfile } from '../partners/profile.schema';
import type { Seg, TranslationIssue } from './segments';

/** What a translator knows besides the set's segments: whose it is and where it came from. */
export interface TranslateContext {
  profile: PartnerProfile;
  source: Source;
  /** EDIFACT: the decimal mark the interchange's UNA declared ('.' by default). */
  decimalMark?: string;
}

/** A set's canonical document, or the issues that stop it (all of them, not only the first). */
export interface TranslateResult {
  document?: CanonicalDocument;
  issues: TranslationIssue[];
}

export type SetTranslator = (segs: Seg[], ctx: TranslateContext) => TranslateResult;
