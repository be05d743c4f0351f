import zlib from 'node:zlib';
import * as asn1js from 'asn1js';
import { toArrayBuffer } from './cms-signature';

/** RFC 3274 / RFC 5402: CMS CompressedData with zlib, the only algorithm it defines. */
const OID = {
  compressedData: '1.2.840.113549.1.9.16.1.9',
  zlib: '1.2.840.113549.1.9.16.3.8',
  data: '1.2.840.113549.1.7.1',
};

/** ContentInfo { compressedData, [0] CompressedData { 0, zlib, { data, [0] OCTET STRING } } }, DER. */
export function compress(content: Buffer): Buffer {
  const compressed = zlib.deflateSync(content);
  const info = new asn1js.Sequence({ value: [
    new asn1js.ObjectIdentifier({ value: OID.compressedData }),
    new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [
      new asn1js.Sequence({ value: [
        new asn1js.Integer({ value: 0 }),
        new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: OID.zlib })] }),
        new asn1js.Sequence({ value: [
          new asn1js.ObjectIdentifier({ value: OID.data }),
          new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [
            new asn1js.OctetString({ valueHex: toArrayBuffer(compressed) }),
          ] }),
        ] }),
      ] }),
    ] }),
  ] });
  return Buffer.from(info.toBER(false));
}

export class DecompressionError extends Error {}

/** An OCTET STRING's bytes, primitive or chunked (BER constructed, as streaming senders write it). */
function octets(node: asn1js.AsnType): Buffer {
  const n = node as asn1js.OctetString;
  if (n.idBlock.isConstructed) return Buffer.concat((n.valueBlock.value as asn1js.AsnType[]).map(octets));
  return Buffer.from(n.valueBlock.valueHexView);
}

/**
 * The content of a CompressedData ContentInfo (DER or BER), refused when it inflates to more than
 * maxBytes: a few KB of deflated zeros would otherwise take gigabytes, before any signature is checked.
 */
export function decompress(der: Buffer, maxBytes?: number): Buffer {
  try {
    // Inside the try: asn1js throws on some bytes (a RangeError) instead of saying offset -1.
    const parsed = asn1js.fromBER(toArrayBuffer(der));
    if (parsed.offset === -1) throw new DecompressionError('compressed-data is not valid ASN.1');
    const info = parsed.result as asn1js.Sequence;
    const [type, wrapped] = info.valueBlock.value as [asn1js.ObjectIdentifier, asn1js.Constructed];
    if (type.valueBlock.toString() !== OID.compressedData) throw new Error(`content type ${type.valueBlock.toString()} is not compressed-data`);
    const cd = wrapped.valueBlock.value[0] as asn1js.Sequence;
    const [, alg, encap] = cd.valueBlock.value as [asn1js.Integer, asn1js.Sequence, asn1js.Sequence];
    const algOid = (alg.valueBlock.value[0] as asn1js.ObjectIdentifier).valueBlock.toString();
    if (algOid !== OID.zlib) throw new Error(`compression algorithm ${algOid} is not zlib`);
    const eContent = (encap.valueBlock.value[1] as asn1js.Constructed | undefined)?.valueBlock.value[0];
    if (!eContent) throw new Error('compressed-data has no content');
    return zlib.inflateSync(octets(eContent), maxBytes === undefined ? undefined : { maxOutputLength: maxBytes });
  } catch (err) {
    if (err instanceof DecompressionError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new DecompressionError(`the content inflates to more than ${maxBytes} bytes`);
    throw new DecompressionError((err as Error).message);
  }
}
