import { as2Mdn, as2Unpack } from './targets-as2';
import { cxmlTarget, sniffTarget } from './targets-cxml';
import { edifactRead, edifactTranslate, edifactValidate } from './targets-edifact';
import { x12Read, x12Translate, x12Validate } from './targets-x12';
import type { FuzzTarget } from './target';

export type { FuzzTarget } from './target';
export { as2Mdn, as2Unpack, cxmlTarget, edifactRead, edifactTranslate, edifactValidate, sniffTarget, x12Read, x12Translate, x12Validate };

/** Every fuzz target, in the order the long run (scripts/fuzz.js) runs them. */
export const TARGETS: FuzzTarget[] = [x12Read, x12Validate, x12Translate, edifactRead, edifactValidate, edifactTranslate, sniffTarget, cxmlTarget, as2Unpack, as2Mdn];
