/**
 * A partner's own codes (profile `validation.addCodes`): codes it sends beyond the standard's list
 * for a data element, accepted from that partner only, in that document type.
 *
 * The validators never look at these per element. A partner's additions for a document type give
 * a dictionary of their own, made once per (profile, document type, dictionary) and cached: its
 * code lists are the standard's with the additions, and the segments that use an extended element
 * are fresh objects, so that every cache keyed by a segment definition (the compiled checks of the
 * fast and the full paths) compiles them once more for that dictionary and never mixes the two.
 * Validating a set then costs what it always did; a partner's set costs one lookup more.
 */

/** One document type's additions: data element number -> extra codes. */
export type AddedCodes = Readonly<Record<string, readonly string[]>>;

/** The part of a dictionary the additions change (X12 and EDIFACT dictionaries share its shape). */
export interface CodedDictionary {
  composites: Record<string, { components: { ref: string }[] }>;
  segments: Record<string, { elements: { ref: string }[] }>;
  codes: Map<string, Set<string>>;
}

/**
 * The dictionary with the additions merged into the code lists it holds. An element whose list we
 * do not hold stays unchecked: an addition must never turn a list on with only the partner's codes
 * in it (`partners lint` reports such an addition). Returns `dict` itself when nothing changes.
 */
export function extendDictionary<D extends CodedDictionary>(dict: D, added: AddedCodes): D {
  const codes = new Map(dict.codes);
  const changed = new Set<string>();
  for (const [element, extra] of Object.entries(added)) {
    const base = dict.codes.get(element);
    if (!base || extra.every((c) => base.has(c))) continue;
    codes.set(element, new Set([...base, ...extra]));
    changed.add(element);
  }
  if (!changed.size) return dict;
  const uses = (ref: string): boolean => changed.has(ref) || (dict.composites[ref]?.components.some((c) => changed.has(c.ref)) ?? false);
  const segments: CodedDictionary['segments'] = {};
  for (const [tag, def] of Object.entries(dict.segments)) segments[tag] = def.elements.some((e) => uses(e.ref)) ? { ...def } : def;
  return { ...dict, codes, segments };
}

const cache = new WeakMap<object, WeakMap<AddedCodes, object>>();

/** extendDictionary, remembered for this dictionary and these additions (a profile's, as loaded). */
export function cachedExtension<D extends object>(dict: D, added: AddedCodes, extend: (d: D, a: AddedCodes) => D): D {
  let byAdded = cache.get(dict);
  if (!byAdded) cache.set(dict, (byAdded = new WeakMap()));
  let extended = byAdded.get(added) as D | undefined;
  if (!extended) byAdded.set(added, (extended = extend(dict, added)));
  return extended;
}
