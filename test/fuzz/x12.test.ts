import { fuzzIt, publicSeedsIncluded } from './fuzz-it';
import { x12Read, x12Translate, x12Validate } from './targets';

// X12 reader, validator (with its acknowledgments) and translators, on mutated samples.
publicSeedsIncluded('x12');
fuzzIt(x12Read, 300);
fuzzIt(x12Validate, 150);
fuzzIt(x12Translate, 150);
