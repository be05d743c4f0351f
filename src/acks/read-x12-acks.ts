import type { RawSegment } from '../parsers/x12/segment-reader';

/** What a partner's 997 or 999 says about one of our functional groups. */
export interface ReceivedGroupAck {
  functionalId: string;
  groupControl: string;
  /** AK901: A accepted, E accepted with errors, P partially accepted, R rejected (M, W, X rejected too). */
  status: string;
  errorCodes: string[];
  sets: ReceivedSetAck[];
}

export interface ReceivedSetAck {
  type: string;
  controlNumber: string;
  /** AK501 / IK501. */
  status: string;
  errorCodes: string[];
  /** AK3/IK3 and AK4/IK4 lines, as text a person can read. */
  details: string[];
}

/** Reads the acknowledgment content of one 997 or 999 transaction set (ST..SE). Pure. */
export function readFunctionalAck(segments: readonly RawSegment[]): ReceivedGroupAck | undefined {
  let group: ReceivedGroupAck | undefined;
  let set: ReceivedSetAck | undefined;
  for (const seg of segments) {
    const e = seg.elements;
    switch (seg.tag) {
      case 'AK1':
        group = { functionalId: e[1] ?? '', groupControl: e[2] ?? '', status: '', errorCodes: [], sets: [] };
        break;
      case 'AK2':
        set = { type: e[1] ?? '', controlNumber: e[2] ?? '', status: '', errorCodes: [], details: [] };
        group?.sets.push(set);
        break;
      case 'AK3': case 'IK3':
        set?.details.push(`${e[1]} at position ${e[2]}: segment error ${e[4] ?? ''}`);
        break;
      case 'AK4': case 'IK4':
        set?.details.push(`  element ${e[1]}${e[2] ? ` (${e[2]})` : ''}: error ${e[3] ?? ''}${e[4] ? ` '${e[4]}'` : ''}`);
        break;
      case 'AK5': case 'IK5':
        if (set) { set.status = e[1] ?? ''; set.errorCodes = e.slice(2).filter(Boolean); }
        set = undefined;
        break;
      case 'AK9':
        if (group) { group.status = e[1] ?? ''; group.errorCodes = e.slice(5).filter(Boolean); }
        break;
      default:
    }
  }
  return group;
}

/** What a TA1 says about one of our interchanges. */
export interface ReceivedTa1 {
  controlNumber: string;
  status: string;
  noteCode: string;
}

export function readTa1(seg: RawSegment): ReceivedTa1 {
  const e = seg.elements;
  return { controlNumber: e[1] ?? '', status: e[4] ?? '', noteCode: e[5] ?? '' };
}
