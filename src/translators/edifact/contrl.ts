import { FunctionalAckSchema, type FunctionalAck } from '../../canonical';
import type { TranslateContext, TranslateResult } from '../context';
import { compact } from '../resolve';
import { val, type Seg } from '../segments';

/** CONTRL action (0083): 7 acknowledged, 8 received (not checked), 4 rejected. */
function status(action: string | undefined): 'accepted' | 'rejected' {
  return action === '4' ? 'rejected' : 'accepted';
}

/**
 * EDIFACT CONTRL -> canonical FunctionalAck. UCI judges the interchange; each UCM a message,
 * with the UCS/UCD errors under it. CONTRL has no group level unless UCF is used, so the
 * messages sit in one implicit group named after the interchange.
 */
export function translateContrl(segs: Seg[], ctx: TranslateContext): TranslateResult {
  const uci = segs.find((s) => s.tag === 'UCI');
  const interchangeControl = val(uci, 1);
  const groups: FunctionalAck['groups'] = [];
  let group: FunctionalAck['groups'][number] | undefined;
  let message: FunctionalAck['groups'][number]['sets'][number] | undefined;
  let segment: { segment?: string; position?: number } = {};
  const implicit = () => (group ??= (groups.push({ controlNumber: interchangeControl ?? '', status: 'accepted', errors: [], sets: [] }), groups[groups.length - 1]));
  for (const s of segs) {
    switch (s.tag) {
      case 'UCF':
        group = { controlNumber: val(s, 1) ?? '', status: status(val(s, 4)), errors: val(s, 5) ? [{ code: val(s, 5)! }] : [], sets: [] };
        groups.push(group);
        break;
      case 'UCM':
        message = { type: val(s, 2, 1) ?? '', controlNumber: val(s, 1) ?? '', status: status(val(s, 3)), errors: val(s, 4) ? [{ code: val(s, 4)! }] : [] };
        implicit().sets.push(message);
        if (message.status === 'rejected') group!.status = group!.sets.length > 1 || groups.length > 1 ? 'partially_accepted' : 'rejected';
        break;
      case 'UCS':
        segment = compact({ position: Number(val(s, 1)) || undefined, segment: undefined });
        if (val(s, 2)) message?.errors.push(compact({ ...segment, code: val(s, 2)! }));
        break;
      case 'UCD':
        message?.errors.push(compact({ ...segment, element: Number(val(s, 2, 1)) || undefined, code: val(s, 1) ?? '' }));
        break;
      default:
    }
  }
  for (const g of groups) {
    const rejected = g.sets.filter((m) => m.status === 'rejected').length;
    if (g.sets.length) g.status = rejected === 0 ? g.status : rejected === g.sets.length ? 'rejected' : 'partially_accepted';
  }
  const ack: FunctionalAck = compact({
    type: 'functional_ack' as const, partnerId: ctx.profile.id, source: ctx.source, kind: 'CONTRL' as const,
    interchangeControl, groups,
    interchange: uci ? compact({ status: status(val(uci, 4)), code: val(uci, 5) }) : undefined,
  });
  return { document: FunctionalAckSchema.parse(ack), issues: [] };
}
