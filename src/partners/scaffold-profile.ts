import YAML from 'yaml';

export interface ScaffoldOptions {
  id: string;
  name?: string;
  standard: 'x12' | 'edifact';
  /** 004010 / 005010 for X12, a directory such as D96A for EDIFACT. */
  version: string;
  /** Their interchange id; a placeholder the analyst replaces when absent. */
  senderId?: string;
  qualifier?: string;
}

/**
 * A new partner's profile.yaml, commented for the analyst and valid as it stands (`partners lint`
 * passes): the usual documents of the standard, the matching acknowledgment, and the schema
 * reference that lets an editor complete and check fields.
 */
export function scaffoldProfile(o: ScaffoldOptions): string {
  const x12 = o.standard === 'x12';
  const id = o.senderId ?? o.id.replace(/[^a-z0-9]/gi, '').toUpperCase().slice(0, 15);
  const ack = x12 ? (o.version >= '005010' ? '999' : '997') : 'CONTRL';
  const doc = (type: string) => (x12 ? { standard: 'X12', type, version: o.version } : { standard: 'EDIFACT', type, version: o.version });
  const profile = {
    $schema: '../profile.schema.json',
    id: o.id,
    name: o.name ?? o.id,
    mode: 'test',
    identifiers: x12
      ? { x12: [{ qualifier: o.qualifier ?? 'ZZ', id, gsId: id }] }
      : { edifact: [{ id, qualifier: o.qualifier ?? '14' }] },
    documents: {
      inbound: [doc(x12 ? '850' : 'ORDERS'), doc(ack)],
      outbound: [...(x12 ? ['855', '856', '810'] : ['ORDRSP', 'DESADV', 'INVOIC']).map(doc), doc(ack)],
    },
    acknowledgments: { send: [ack], expect: [ack], expectWithinHours: 24 },
    mapping: { productId: ['vendorItem', 'upc', 'gtin', 'buyerItem'], uom: {} },
    outbound: x12 ? { x12: { elementSeparator: '*', segmentTerminator: '~', componentSeparator: '>', lineEnding: 'lf' }, shipmentStructure: 'SOPI' }
      : { edifact: { syntax: 'UNOC', syntaxVersion: '3', una: 'always' } },
    odoo: { priceSource: 'partner', autoConfirm: false },
    transports: { primary: 'folder' },
  };
  const header = [
    `# yaml-language-server: $schema=../profile.schema.json`,
    `# ${profile.name}: scaffolded by 'edi-gateway partners new'. Set the identifiers to the partner's`,
    `# real ones, put their sample files in samples/inbound/, then run 'edi-gateway partners test ${o.id} --update'`,
    `# and review the expected files it writes. mode: test until the partner is live.`,
  ];
  return `${header.join('\n')}\n${YAML.stringify(profile, { lineWidth: 0 })}`;
}
