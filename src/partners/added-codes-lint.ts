import { edifactDirectory, messageDefinition, messageTags } from '../parsers/edifact/definitions';
import { dictionaryFor } from '../parsers/x12/definitions';
import type { PartnerProfile } from './profile.schema';

/** A finding of a check no single field shows, placed by its path in the profile. */
export interface ProfileFinding {
  path: (string | number)[];
  message: string;
  /** Harmless but worth a look: reported by `partners lint`, never refuses the profile. */
  warning?: boolean;
}

/** What the check needs of a standard's dictionary for one document. */
interface DocumentDictionary {
  label: string;
  elements: Record<string, { name: string; type: string; min: number; max: number }>;
  composites: Record<string, { components: { ref: string }[] }>;
  segments: Record<string, { elements: { ref: string }[] }>;
  codes: Map<string, Set<string>>;
  /** Segment tags of the document's body (not the envelope's), or undefined when we hold no definition of it. */
  tags?: Set<string>;
  x12: boolean;
}

const ENVELOPE = new Set(['ST', 'SE', 'UNH', 'UNT']);

/** The dictionaries a document type is checked against for this profile: one per version it is listed in. */
function dictionariesFor(p: PartnerProfile, type: string): DocumentDictionary[] {
  const docs = [...p.documents.inbound, ...p.documents.outbound].filter((d) => d.type === type);
  const out = new Map<string, DocumentDictionary>();
  for (const d of docs) {
    if (d.standard === 'X12') {
      const dict = dictionaryFor(d.version);
      if (!dict || out.has(`X12 ${d.version}`)) continue;
      const tags = dict.tagsBySet.get(type);
      out.set(`X12 ${d.version}`, { label: `X12 ${d.version}`, ...dict, tags: tags && new Set([...tags].filter((t) => !ENVELOPE.has(t))), x12: true });
    } else {
      const dir = edifactDirectory(d.version);
      const key = `EDIFACT ${d.version} ${d.association ?? ''}`;
      if (!dir || out.has(key)) continue;
      const def = messageDefinition(d.version, type, d.association);
      const tags = def && new Set([...messageTags(def)].filter((t) => !ENVELOPE.has(t)));
      out.set(key, { label: `UN/EDIFACT ${d.version}`, ...dir, tags, x12: false });
    }
  }
  return [...out.values()];
}

const representation = (x12: boolean, e: { type: string; min: number; max: number }) =>
  x12 ? `${e.type} ${e.min}/${e.max}` : e.min === e.max ? `${e.type}${e.max}` : `${e.type}..${e.max}`;

/**
 * Checks `validation.addCodes` against the standards' dictionaries: each document type must be
 * one the profile exchanges; each element must be in the dictionary of each version the profile
 * lists that type in, be a coded element whose list we check, and occur in that document (outside
 * the ST/SE or UNH/UNT envelope); each code must fit the element (length, characters). A code the
 * standard's list already has is a warning: it does nothing.
 */
export function checkAddedCodes(p: PartnerProfile): ProfileFinding[] {
  const findings: ProfileFinding[] = [];
  const seen = new Set<string>();
  const add = (f: ProfileFinding) => {
    const key = `${f.path.join('\u0000')}\u0001${f.message}`;
    if (!seen.has(key)) findings.push(f), seen.add(key);
  };
  for (const [type, elements] of Object.entries(p.validation.addCodes ?? {})) {
    const base = ['validation', 'addCodes', type];
    const dicts = dictionariesFor(p, type);
    if (![...p.documents.inbound, ...p.documents.outbound].some((d) => d.type === type)) {
      const listed = [...new Set([...p.documents.inbound, ...p.documents.outbound].map((d) => d.type))];
      add({ path: base, message: `${type} is not a document this partner exchanges (its documents: ${listed.join(', ') || 'none'})` });
      continue;
    }
    for (const [element, codes] of Object.entries(elements)) {
      const at = [...base, element];
      for (const d of dicts) {
        if (!d.x12 && element.startsWith('0')) {
          add({ path: at, message: `${element} is a service data element (ISO 9735 envelope): its codes are the syntax's, not a partner's to extend` });
          continue;
        }
        const def = d.elements[element];
        if (!def) {
          add({ path: at, message: `element ${element} is not in the ${d.label} data element dictionary${d.x12 ? '' : ' (EDIFACT element numbers have 4 digits)'}` });
          continue;
        }
        const name = `${element} (${def.name.toLowerCase()}, ${representation(d.x12, def)})`;
        const list = d.codes.get(element);
        if (d.x12 && def.type !== 'ID') {
          add({ path: at, message: `${name} is not a coded element in ${d.label}: only ID elements have code lists` });
          continue;
        }
        if (!list) {
          add({ path: at, message: `${name}: the gateway holds no ${d.label} code list for it, so its codes are not checked and any code is accepted already` });
          continue;
        }
        const uses = (ref: string) => ref === element || (d.composites[ref]?.components.some((c) => c.ref === element) ?? false);
        if (d.tags && ![...d.tags].some((t) => d.segments[t]?.elements.some((e) => uses(e.ref)))) {
          add({ path: at, message: `${name} does not occur in a ${d.label} ${type}` });
          continue;
        }
        codes.forEach((code, i) => {
          const here = [...at, i];
          if (codes.indexOf(code) !== i) return add({ path: here, warning: true, message: `'${code}' is listed twice` });
          if (!/^[A-Z0-9]+$/.test(code)) {
            return add({ path: here, message: `'${code}' is not a code ${name} can carry: codes are upper-case letters and digits` });
          }
          if (!d.x12 && def.type === 'n' && !/^\d+$/.test(code)) return add({ path: here, message: `'${code}' is not numeric, and ${name} is` });
          if (!d.x12 && def.type === 'a' && /\d/.test(code)) return add({ path: here, message: `'${code}' has digits, and ${name} is alphabetic` });
          if (code.length > def.max) return add({ path: here, message: `'${code}' is too long for ${name}: at most ${def.max} characters` });
          if (code.length < def.min) return add({ path: here, message: `'${code}' is too short for ${name}: at least ${def.min} characters` });
          if (list.has(code)) add({ path: here, warning: true, message: `'${code}' is already in the ${d.label} code list of ${name}: adding it does nothing` });
        });
      }
    }
  }
  return findings;
}
