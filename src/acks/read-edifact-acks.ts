import type { EdifactSegment } from '../parsers/edifact/segment';

/** What a partner's CONTRL says about one of our interchanges. */
export interface ReceivedContrl {
  /** UCI 0020: our UNB control reference. */
  interchangeRef: string;
  /** UCI 0083: 4 rejected, 7 acknowledged, 8 received. */
  action: string;
  /** UCI 0085, when given. */
  errorCode?: string;
  groups: { reference: string; action: string; errorCode?: string }[];
  messages: ReceivedMessageAck[];
}

export interface ReceivedMessageAck {
  /** UCM 0062: our UNH reference. */
  reference: string;
  type: string;
  action: string;
  errorCode?: string;
  /** The UNG group it was in (UCF 0048), if any. */
  groupRef?: string;
  /** UCS and UCD lines, as text a person can read. */
  details: string[];
}

/** Reads the content of one CONTRL message (UNH..UNT). Pure; undefined without a UCI. */
export function readContrl(segments: readonly EdifactSegment[]): ReceivedContrl | undefined {
  let out: ReceivedContrl | undefined;
  let group: string | undefined;
  let msg: ReceivedMessageAck | undefined;
  for (const seg of segments) {
    const v = (n: number, k = 1) => seg.value(n, k);
    switch (seg.tag) {
      case 'UCI':
        out = { interchangeRef: v(1), action: v(4), errorCode: v(5) || undefined, groups: [], messages: [] };
        break;
      case 'UCF':
        group = v(1);
        out?.groups.push({ reference: v(1), action: v(4), errorCode: v(5) || undefined });
        break;
      case 'UCM':
        msg = { reference: v(1), type: v(2), action: v(3), errorCode: v(4) || undefined, groupRef: group, details: [] };
        out?.messages.push(msg);
        break;
      case 'UCS':
        msg?.details.push(`segment ${v(1)}${v(2) ? `: error ${v(2)}` : ''}`);
        break;
      case 'UCD':
        msg?.details.push(`  element ${v(2, 1)}${v(2, 2) ? `.${v(2, 2)}` : ''}: error ${v(1)}`);
        break;
      default:
    }
  }
  return out;
}

/** What a partner's APERAK says about one of our messages. */
export interface ReceivedAperak {
  /** RFF+ACW (reference of the previous message): our UNH reference. */
  messageRef?: string;
  /** BGM 1225 message function. */
  function: string;
  /** ERC codes (application errors). */
  errorCodes: string[];
  /**
   * Rejected when the message function says "not accepted" (27) or an application error is
   * listed without the function saying "accepted" (29, 34): APERAK is mostly sent to report errors.
   */
  rejected: boolean;
  texts: string[];
}

export function readAperak(segments: readonly EdifactSegment[]): ReceivedAperak {
  const out: ReceivedAperak = { function: '', errorCodes: [], rejected: false, texts: [] };
  for (const seg of segments) {
    if (seg.tag === 'BGM') out.function = seg.value(3);
    else if (seg.tag === 'RFF' && seg.value(1) === 'ACW' && !out.messageRef) out.messageRef = seg.value(1, 2);
    else if (seg.tag === 'ERC') out.errorCodes.push(seg.value(1));
    else if (seg.tag === 'FTX') out.texts.push(seg.elements[4]?.filter(Boolean).join(' ') ?? '');
  }
  out.rejected = out.function === '27' || (out.errorCodes.length > 0 && !['29', '34'].includes(out.function));
  return out;
}
