import { fuzzIt } from './fuzz-it';
import { cxmlTarget, sniffTarget } from './targets';

// The sniffer on every kind of seed, and cXML (broken tags, DOCTYPE entities, deep nesting).
fuzzIt(sniffTarget, 500);
fuzzIt(cxmlTarget, 200);
