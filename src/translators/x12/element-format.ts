import type { ElementDef } from '../../parsers/x12/definition.schema';
import type { X12Dictionary } from '../../parsers/x12/definitions';
import { formatImplied, formatReal, isoToX12Date } from '../values';
import { renderError, type RenderSeg, type RenderValue } from './render-common';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A real number in at most `maxDigits` digits: fewer decimals until it fits (R counts digits only). */
function realFitting(n: number, maxDigits: number): string {
  for (let decimals = 6; decimals >= 0; decimals--) {
    const s = formatReal(n, decimals);
    if (s.replace(/[-.]/g, '').length <= maxDigits) return s;
  }
  return formatReal(n, 0);
}

/**
 * One value as its element's type writes it: numbers as Nn (implied decimals) or R, ISO dates as
 * DT of the element's width (CCYYMMDD, or YYMMDD where the element is six wide). Strings other
 * than ISO dates are written as given; the validator judges them.
 */
export function formatValue(v: RenderValue, def: ElementDef | undefined, where: string): string {
  if (v === undefined) return '';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw renderError(`${where}: ${v} is not a number X12 can write`);
    const type = def?.type ?? 'R';
    if (type === 'N0') {
      if (!Number.isInteger(v)) throw renderError(`${where}: ${v} must be a whole number (type N0)`);
      return String(v);
    }
    if (/^N\d$/.test(type)) return formatImplied(v, Number(type[1]));
    return realFitting(v, def?.max ?? 15);
  }
  if (def?.type === 'DT' && ISO_DATE.test(v)) return isoToX12Date(v, def.max === 6 ? 6 : 8);
  return v;
}

/** Typed segments -> the serializer's string rows, each value formatted for its element in `dict`. */
export function formatBody(segs: RenderSeg[], dict: X12Dictionary): string[][] {
  return segs.map(([tag, ...values]) => {
    const seg = dict.segments[tag];
    if (!seg) throw renderError(`segment ${tag} is not in the ${dict.version} definitions`);
    if (values.length > seg.elements.length) throw renderError(`${tag} has ${seg.elements.length} elements in ${dict.version}, ${values.length} were given`);
    return [tag, ...values.map((v, i) => {
      const ref = seg.elements[i].ref;
      return formatValue(v, ref.startsWith('C') ? undefined : dict.elements[ref], `${tag}${String(i + 1).padStart(2, '0')}`);
    })];
  });
}
