import type { X12Delimiters } from './delimiters';
import type { X12Dictionary } from './definitions';
import { checkValue, ELEMENT_ERRORS as E } from './element-checks';

/** One data element error, as AK4 / IK4 reports it. */
export interface ElementError {
  /** 1-based element position in the segment. */
  element: number;
  /** 1-based component position, for an error inside a composite. */
  component?: number;
  /** 1-based repetition, for an error in a repeated element (005010). */
  repetition?: number;
  /** X12 data element reference number (e.g. 373), when the position is defined. */
  ref?: string;
  code: string;
  message: string;
  /** A copy of the bad value (AK404 / IK404), for value errors. */
  value?: string;
}

const pos = (n: number) => String(n).padStart(2, '0');

/** Whether element n (1-based) of a segment or composite has a value. */
type Present = (n: number) => boolean;

/**
 * Checks the syntax notes (relational conditions) of a segment or composite.
 * P0102: all or none; R0102: at least one; E0102: at most one;
 * C0102: if the first, then all the others; L010203: if the first, then at least one other.
 */
export function checkSyntaxNotes(notes: readonly string[], present: Present, label: (n: number) => string):
  { position: number; code: string; message: string }[] {
  const out: { position: number; code: string; message: string }[] = [];
  for (const note of notes) {
    const kind = note[0];
    const ps = note.slice(1).match(/\d\d/g)!.map(Number);
    const has = ps.map(present);
    const names = ps.map(label).join(', ');
    const first = has[0];
    const count = has.filter(Boolean).length;
    if (kind === 'P' && count > 0 && count < ps.length) {
      for (let i = 0; i < ps.length; i++) {
        if (!has[i]) out.push({ position: ps[i], code: E.CONDITIONAL_MISSING, message: `${label(ps[i])} is required when any of ${names} is present (syntax note ${note})` });
      }
    } else if (kind === 'R' && count === 0) {
      out.push({ position: ps[0], code: E.CONDITIONAL_MISSING, message: `at least one of ${names} is required (syntax note ${note})` });
    } else if (kind === 'E' && count > 1) {
      const second = ps.filter((_, i) => has[i])[1];
      out.push({ position: second, code: E.EXCLUSION_VIOLATED, message: `only one of ${names} may be present (syntax note ${note})` });
    } else if (kind === 'C' && first) {
      for (let i = 1; i < ps.length; i++) {
        if (!has[i]) out.push({ position: ps[i], code: E.CONDITIONAL_MISSING, message: `${label(ps[i])} is required when ${label(ps[0])} is present (syntax note ${note})` });
      }
    } else if (kind === 'L' && first && count === 1) {
      out.push({ position: ps[1], code: E.CONDITIONAL_MISSING, message: `one of ${ps.slice(1).map(label).join(', ')} is required when ${label(ps[0])} is present (syntax note ${note})` });
    }
  }
  return out;
}

/**
 * Validates the data elements of one segment against the dictionary: count, mandatory elements,
 * composites, repetitions, types, lengths, codes and syntax notes. Pure.
 */
export function validateElements(tag: string, elements: readonly string[], d: X12Delimiters, dict: X12Dictionary): ElementError[] {
  const def = dict.segments[tag];
  if (!def) return [];
  const errors: ElementError[] = [];
  // Trailing empty elements are not "present"; a segment may end early.
  let last = elements.length - 1;
  while (last > 0 && elements[last] === '') last--;
  if (last > def.elements.length) {
    errors.push({ element: def.elements.length + 1, code: E.TOO_MANY_ELEMENTS,
      message: `${tag} has ${last} elements; the standard defines ${def.elements.length}` });
  }
  for (let i = 1; i <= def.elements.length; i++) {
    const spec = def.elements[i - 1];
    const raw = i <= last ? elements[i] : '';
    const name = `${tag}${pos(i)}`;
    if (raw === '') {
      if (spec.req === 'M') {
        errors.push({ element: i, ref: spec.ref, code: E.MANDATORY_MISSING, message: `${name} (${describe(spec.ref, dict)}) is required` });
      }
      continue;
    }
    const repeats = d.repetition && (spec.repeat ?? 1) > 1 ? raw.split(d.repetition) : [raw];
    if (d.repetition && repeats.length > (spec.repeat ?? 1)) {
      errors.push({ element: i, ref: spec.ref, code: E.TOO_MANY_REPETITIONS, message: `${name} repeats ${repeats.length} times; at most ${spec.repeat ?? 1}` });
    }
    repeats.forEach((value, r) => {
      const at = repeats.length > 1 ? { repetition: r + 1 } : {};
      const composite = dict.composites[spec.ref];
      if (composite) {
        errors.push(...validateComposite(name, spec.ref, value, d, dict).map((e) => ({ element: i, ...at, ...e })));
        return;
      }
      const el = dict.elements[spec.ref];
      if (!el) return;
      if (value.includes(d.component) && el.type !== 'AN') {
        errors.push({ element: i, ...at, ref: spec.ref, code: E.TOO_MANY_COMPONENTS, message: `${name} is a simple element but holds components`, value });
        return;
      }
      const problem = checkValue(value, el, dict.codes.get(spec.ref), `${name} (${spec.ref} ${el.name.toLowerCase()})`);
      if (problem) errors.push({ element: i, ...at, ref: spec.ref, ...problem, value });
    });
  }
  const present = (n: number) => n <= last && elements[n] !== '';
  for (const e of checkSyntaxNotes(def.syntax, present, (n) => `${tag}${pos(n)}`)) {
    errors.push({ element: e.position, ref: def.elements[e.position - 1]?.ref, code: e.code, message: e.message });
  }
  return errors.sort((a, b) => a.element - b.element || (a.component ?? 0) - (b.component ?? 0));
}

function describe(ref: string, dict: X12Dictionary): string {
  const name = dict.elements[ref]?.name ?? dict.composites[ref]?.name;
  return name ? `${ref} ${name.toLowerCase()}` : ref;
}

function validateComposite(name: string, ref: string, value: string, d: X12Delimiters, dict: X12Dictionary):
  Omit<ElementError, 'element'>[] {
  const def = dict.composites[ref];
  const parts = value.split(d.component);
  const out: Omit<ElementError, 'element'>[] = [];
  let last = parts.length - 1;
  while (last > 0 && parts[last] === '') last--;
  if (last + 1 > def.components.length) {
    out.push({ component: def.components.length + 1, ref, code: E.TOO_MANY_COMPONENTS,
      message: `${name} (${ref}) has ${last + 1} components; the standard defines ${def.components.length}`, value });
  }
  def.components.forEach((spec, c) => {
    const v = c <= last ? parts[c] : '';
    const cname = `${name}-${pos(c + 1)}`;
    if (v === '') {
      if (spec.req === 'M') out.push({ component: c + 1, ref: spec.ref, code: E.MANDATORY_MISSING, message: `${cname} (${describe(spec.ref, dict)}) is required` });
      return;
    }
    const el = dict.elements[spec.ref];
    if (!el) return;
    const problem = checkValue(v, el, dict.codes.get(spec.ref), `${cname} (${spec.ref} ${el.name.toLowerCase()})`);
    if (problem) out.push({ component: c + 1, ref: spec.ref, ...problem, value: v });
  });
  const present = (n: number) => n - 1 <= last && parts[n - 1] !== '';
  for (const e of checkSyntaxNotes(def.syntax, present, (n) => `${name}-${pos(n)}`)) {
    out.push({ component: e.position, ref: def.components[e.position - 1]?.ref, code: e.code, message: e.message });
  }
  return out;
}
