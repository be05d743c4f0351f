import type { ElementDef, SegmentDef } from './definition.schema';
import type { Dictionary } from './segment-validator';

/**
 * The service segments of ISO 9735 (UNB, UNG, UNH, UNT, UNE, UNZ), which belong to the syntax, not
 * to a directory: written here as a small dictionary in the directories' own shape, so that one
 * segment validator checks them too (lengths, representation, mandatory parts, character set).
 * Syntax 4 changed a few of them (UNB date CCYYMMDD, UNG all conditional but its reference, more
 * components in S001, S002, S003, S009).
 */
const el = (name: string, spec: string): ElementDef => {
  const m = /^(an|a|n)(\.\.)?(\d+)$/.exec(spec)!;
  const max = Number(m[3]);
  return { name, type: m[1] as ElementDef['type'], min: m[2] ? 1 : max, max };
};

const ELEMENTS: Record<string, ElementDef> = {
  '0001': el('Syntax identifier', 'a4'), '0002': el('Syntax version number', 'n1'),
  '0080': el('Service code list directory version number', 'an..6'), '0133': el('Character encoding, coded', 'an..3'),
  '0004': el('Interchange sender identification', 'an..35'), '0007': el('Identification code qualifier', 'an..4'),
  '0008': el('Interchange sender internal identification', 'an..35'), '0042': el('Interchange sender internal sub-identification', 'an..35'),
  '0010': el('Interchange recipient identification', 'an..35'), '0014': el('Interchange recipient internal identification', 'an..35'),
  '0046': el('Interchange recipient internal sub-identification', 'an..35'),
  '0017': el('Date', 'n6'), '0019': el('Time', 'n4'), '0020': el('Interchange control reference', 'an..14'),
  '0022': el('Recipient reference/password', 'an..14'), '0025': el('Recipient reference/password qualifier', 'an2'),
  '0026': el('Application reference', 'an..14'), '0029': el('Processing priority code', 'a1'),
  '0031': el('Acknowledgement request', 'n1'), '0032': el('Interchange agreement identifier', 'an..35'),
  '0035': el('Test indicator', 'n1'), '0036': el('Interchange control count', 'n..6'),
  '0038': el('Message group identification', 'an..6'), '0040': el('Application sender identification', 'an..35'),
  '0044': el('Application recipient identification', 'an..35'), '0048': el('Group reference number', 'an..14'),
  '0051': el('Controlling agency', 'an..2'), '0052': el('Message version number', 'an..3'),
  '0054': el('Message release number', 'an..3'), '0057': el('Association assigned code', 'an..6'),
  '0058': el('Application password', 'an..14'), '0060': el('Number of messages', 'n..6'),
  '0062': el('Message reference number', 'an..14'), '0065': el('Message type', 'an..6'),
  '0068': el('Common access reference', 'an..35'), '0070': el('Sequence of transfers', 'n..2'),
  '0073': el('First and last transfer', 'a1'), '0074': el('Number of segments in the message', 'n..6'),
  '0110': el('Code list directory version number', 'an..6'), '0113': el('Message type sub-function identification', 'an..6'),
};

const comp = (name: string, ...parts: string[]) => ({ name, components: parts.map((p) => ({ ref: p.slice(0, 4), req: p.endsWith('M') ? 'M' as const : 'C' as const })) });
const seg = (name: string, ...parts: string[]): SegmentDef => ({ name, elements: parts.map((p) => ({ ref: p.slice(0, 4), req: p.endsWith('M') ? 'M' as const : 'C' as const })) });

function dictionary(v4: boolean): Dictionary {
  const elements = { ...ELEMENTS, ...(v4 ? { '0017': el('Date', 'n8') } : {}) };
  const composites = {
    S001: v4 ? comp('Syntax identifier', '0001M', '0002M', '0080C', '0133C') : comp('Syntax identifier', '0001M', '0002M'),
    S002: v4 ? comp('Interchange sender', '0004M', '0007C', '0008C', '0042C') : comp('Interchange sender', '0004M', '0007C', '0008C'),
    S003: v4 ? comp('Interchange recipient', '0010M', '0007C', '0014C', '0046C') : comp('Interchange recipient', '0010M', '0007C', '0014C'),
    S004: comp('Date and time of preparation', '0017M', '0019M'),
    S005: comp('Recipient reference/password details', '0022M', '0025C'),
    S006: comp('Application sender identification', '0040M', '0007C'),
    S007: comp('Application recipient identification', '0044M', '0007C'),
    S008: comp('Message version', '0052M', '0054M', '0057C'),
    S009: v4 ? comp('Message identifier', '0065M', '0052M', '0054M', '0051M', '0057C', '0110C', '0113C')
      : comp('Message identifier', '0065M', '0052M', '0054M', '0051M', '0057C'),
    S010: comp('Status of the transfer', '0070M', '0073C'),
  };
  const m = v4 ? 'C' : 'M';
  const segments: Record<string, SegmentDef> = {
    UNB: seg('Interchange header', 'S001M', 'S002M', 'S003M', 'S004M', '0020M', 'S005C', '0026C', '0029C', '0031C', '0032C', '0035C'),
    UNZ: seg('Interchange trailer', '0036M', '0020M'),
    UNG: seg('Functional group header', `0038${m}`, `S006${m}`, `S007${m}`, `S004${m}`, '0048M', `0051${m}`, `S008${m}`, '0058C'),
    UNE: seg('Functional group trailer', '0060M', '0048M'),
    UNH: seg('Message header', '0062M', 'S009M', '0068C', 'S010C'),
    UNT: seg('Message trailer', '0074M', '0062M'),
  };
  return { elements, composites, segments, codes: new Map() };
}

const V3 = dictionary(false);
const V4 = dictionary(true);

/** The service segment dictionary of a syntax version ('1' to '4'). */
export function serviceDictionary(syntaxVersion: string): Dictionary {
  return syntaxVersion === '4' ? V4 : V3;
}
