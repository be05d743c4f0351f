import { fuzzIt } from './fuzz-it';
import { as2Mdn, as2Unpack } from './targets';

// Received AS2 messages and MDNs: corrupt boundaries, headers, base64 and DER, missing parts, bombs.
fuzzIt(as2Unpack, 100);
fuzzIt(as2Mdn, 200);
