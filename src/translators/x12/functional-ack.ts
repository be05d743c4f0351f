import { FunctionalAckSchema, type FunctionalAck } from '../../canonical';
import type { TranslateContext, TranslateResult } from '../context';
import { compact } from '../resolve';
import { val, type Seg } from '../segments';

/** AK501/IK501 and AK901: A accepted, E accepted with errors, P partially, R/M/W/X rejected. */
function setStatus(code: string | undefined): 'accepted' | 'accepted_with_errors' | 'rejected' {
  return code === 'A' ? 'accepted' : code === 'E' ? 'accepted_with_errors' : 'rejected';
}
function groupStatus(code: string | undefined): FunctionalAck['groups'][number]['status'] {
  return code === 'P' ? 'partially_accepted' : setStatus(code);
}

/** X12 997 or 999 -> canonical FunctionalAck, with each AK3/AK4 (IK3/IK4) error kept. */
export function translateFunctionalAck(segs: Seg[], ctx: TranslateContext): TranslateResult {
  const kind = segs[0] && val(segs[0], 1) === '999' ? '999' as const : '997' as const;
  const groups: FunctionalAck['groups'] = [];
  let set: FunctionalAck['groups'][number]['sets'][number] | undefined;
  let segmentError: { segment?: string; position?: number } = {};
  for (const s of segs) {
    const group = groups[groups.length - 1];
    switch (s.tag) {
      case 'AK1':
        groups.push({ functionalId: val(s, 1), controlNumber: val(s, 2) ?? '', status: 'accepted', errors: [], sets: [] });
        break;
      case 'AK2':
        set = { type: val(s, 1) ?? '', controlNumber: val(s, 2) ?? '', status: 'accepted', errors: [] };
        group?.sets.push(set);
        break;
      case 'AK3': case 'IK3':
        segmentError = { segment: val(s, 1), position: Number(val(s, 2)) || undefined };
        if (val(s, 4)) set?.errors.push(compact({ ...segmentError, code: val(s, 4)! }));
        break;
      case 'AK4': case 'IK4':
        set?.errors.push(compact({ ...segmentError, element: Number(val(s, 1)) || undefined, code: val(s, 3) ?? '', message: val(s, 4) ? `bad value '${val(s, 4)}'` : undefined }));
        break;
      case 'AK5': case 'IK5':
        if (set) {
          set.status = setStatus(val(s, 1));
          for (let i = 2; i <= 6; i++) if (val(s, i)) set.errors.push({ code: val(s, i)! });
        }
        set = undefined;
        break;
      case 'AK9':
        if (group) {
          group.status = groupStatus(val(s, 1));
          for (let i = 5; i <= 9; i++) if (val(s, i)) group.errors.push({ code: val(s, i)! });
        }
        break;
      default:
    }
  }
  const ack: FunctionalAck = { type: 'functional_ack', partnerId: ctx.profile.id, source: ctx.source, kind, groups };
  return { document: FunctionalAckSchema.parse(ack), issues: [] };
}

/** A TA1 segment -> canonical FunctionalAck for the interchange it answers. */
export function translateTa1(ta1: Seg, ctx: TranslateContext): FunctionalAck {
  const code = val(ta1, 4);
  return FunctionalAckSchema.parse({
    type: 'functional_ack', partnerId: ctx.profile.id, source: ctx.source, kind: 'TA1',
    interchangeControl: val(ta1, 1), groups: [],
    interchange: { status: code === 'A' ? 'accepted' : code === 'E' ? 'accepted_with_errors' : 'rejected', code: val(ta1, 5) },
  });
}
