import type { PartnerProfile } from '../partners/profile.schema';
import { val, type Seg } from '../translators/segments';

/**
 * A partner's own rules on top of the standard (profile `validation`): segments it always sends,
 * elements it always fills, the codes it allows. Checked on each set the standard accepted, so
 * an analyst's stricter profile turns a sloppy file into a rejection with the usual codes.
 */
export interface ProfileRuleViolation {
  kind: 'segment_missing' | 'element_missing' | 'code_not_allowed';
  segment: string;
  /** The segment's ordinal in the set; for a missing segment, the trailer's. */
  position: number;
  element?: number;
  component?: number;
  value?: string;
  message: string;
}

/** "PO107" -> PO1 element 7; "NAD0201" -> NAD element 2 component 1. */
export function parseElementRef(ref: string): { tag: string; element: number; component?: number } {
  const m = /^([A-Z][A-Z0-9]{1,2}?)(\d{2})(\d{2})?$/.exec(ref);
  if (!m) throw new Error(`not an element reference: ${ref}`);
  return { tag: m[1], element: Number(m[2]), ...(m[3] ? { component: Number(m[3]) } : {}) };
}

export function checkProfileRules(profile: PartnerProfile, docType: string, segs: Seg[]): ProfileRuleViolation[] {
  const v = profile.validation;
  const out: ProfileRuleViolation[] = [];
  const trailer = segs[segs.length - 1]?.position ?? segs.length;
  const who = `partner '${profile.id}'`;
  for (const tag of v.requireSegments[docType] ?? []) {
    if (!segs.some((s) => s.tag === tag)) out.push({ kind: 'segment_missing', segment: tag, position: trailer, message: `${who} requires a ${tag} segment in every ${docType}` });
  }
  for (const ref of v.requireElements[docType] ?? []) {
    const { tag, element, component } = parseElementRef(ref);
    for (const s of segs) {
      if (s.tag === tag && val(s, element, component ?? 1) === undefined) {
        out.push({ kind: 'element_missing', segment: tag, position: s.position, element, component,
          message: `${who} requires ${ref} in every ${tag} of a ${docType}` });
      }
    }
  }
  for (const [ref, codes] of Object.entries(v.allowCodes[docType] ?? {})) {
    const { tag, element, component } = parseElementRef(ref);
    for (const s of segs) {
      const value = s.tag === tag ? val(s, element, component ?? 1) : undefined;
      if (value !== undefined && !codes.includes(value)) {
        out.push({ kind: 'code_not_allowed', segment: tag, position: s.position, element, component, value,
          message: `${ref} '${value}' is not one of the codes ${who} allows (${codes.join(', ')})` });
      }
    }
  }
  return out;
}
