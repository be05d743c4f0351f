import type { PartnerProfile } from '../../partners/profile.schema';
import { segsFromElements } from '../../translators/segments';
import { checkProfileRules } from '../profile-rules';
import type { RawSegment } from './segment-reader';
import { addSegmentError, SET_ERRORS, segmentsInError, type SegmentError, type SetResult } from './set-validator';

/** Whether a partner adds any rule for this set type (most add none: then nothing is converted). */
export function hasProfileRules(p: PartnerProfile, type: string): boolean {
  const v = p.validation;
  return !!(v.requireSegments[type]?.length || v.requireElements[type]?.length || Object.keys(v.allowCodes[type] ?? {}).length);
}

/**
 * The partner's own rules as X12 errors on the set: a required segment missing is AK3 code 3,
 * a required element empty AK4 code 1, a code outside the partner's subset AK4 code 7; the set
 * is then rejected with AK5 code 5, as for the standard's own rules.
 */
export function applyProfileRules(result: SetResult, partner: PartnerProfile, segments: readonly RawSegment[]): void {
  const segs = segsFromElements(segments.map((s) => s.elements), segments[0]?.delimiters.component);
  for (const v of checkProfileRules(partner, result.type, segs)) {
    const err: SegmentError = v.kind === 'segment_missing'
      ? { segment: v.segment, position: v.position, code: '3', message: v.message, elements: [] }
      : { segment: v.segment, position: v.position, code: '8', message: `${v.segment} has data element errors`, elements: [{
        element: v.element!, ...(v.component ? { component: v.component } : {}), code: v.kind === 'element_missing' ? '1' : '7', message: v.message,
        ...(v.value !== undefined ? { value: v.value } : {}) }] };
    addSegmentError(result, err);
  }
  result.segmentErrors.sort((a, b) => a.position - b.position);
  // The note counts the partner's errors too, where the standard's left it.
  const at = result.setErrors.findIndex((e) => e.code === SET_ERRORS.SEGMENTS_IN_ERROR);
  if (at >= 0) result.setErrors[at] = segmentsInError(result);
  else if (result.segmentErrors.length) result.setErrors.push(segmentsInError(result));
}
