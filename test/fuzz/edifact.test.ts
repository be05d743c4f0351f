import { fuzzIt, publicSeedsIncluded } from './fuzz-it';
import { edifactRead, edifactTranslate, edifactValidate } from './targets';

// EDIFACT reader, validator (fast and full check, CONTRL) and translators, on mutated samples.
publicSeedsIncluded('edifact');
fuzzIt(edifactRead, 300);
fuzzIt(edifactValidate, 150);
fuzzIt(edifactTranslate, 150);
