import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { GatewayConfig } from '../../config/gateway.config';
import type { PartnerProfile } from '../../partners/profile.schema';
import type { As2Transport } from './as2.schema';

/** Our side: the key we sign and decrypt with, the certificate partners know us by. */
export interface OurIdentity {
  certificatePem: string;
  certificateDer: Buffer;
  /** PKCS#1 PEM for node-forge; PKCS#8 DER for WebCrypto. */
  privateKeyPkcs1Pem: string;
  privateKeyPkcs8: Buffer;
  certificate: crypto.X509Certificate;
}

/** A partner's AS2 settings with its certificate read: everything a send or receive needs. */
export interface As2Settings {
  partnerId: string;
  profile: As2Transport;
  partnerAs2Id: string;
  ourAs2Id: string;
  partnerCertificatePem: string;
  partnerCertificateDer: Buffer;
  partnerCertificate: crypto.X509Certificate;
  ours: OurIdentity;
}

export type SettingsResult = { ok: true; settings: As2Settings } | { ok: false; reason: string };

export function ourAs2Id(config: Pick<GatewayConfig, 'as2'>, profile: PartnerProfile): string {
  return profile.transports.as2?.ourAs2Id ?? config.as2.id;
}

/** Our key and certificate from the gateway config; a reason when either is missing or unreadable. */
export function loadOurIdentity(config: Pick<GatewayConfig, 'as2'>): { ok: true; ours: OurIdentity } | { ok: false; reason: string } {
  if (!config.as2.certificateFile) return { ok: false, reason: 'our AS2 certificate is not configured (as2.certificateFile or EDI_GATEWAY_AS2_CERTIFICATE_FILE)' };
  if (!config.as2.privateKey) return { ok: false, reason: 'our AS2 private key is not configured (EDI_GATEWAY_AS2_PRIVATE_KEY or EDI_GATEWAY_AS2_PRIVATE_KEY_FILE)' };
  try {
    const certificatePem = fs.readFileSync(config.as2.certificateFile, 'utf8');
    const certificate = new crypto.X509Certificate(certificatePem);
    const key = crypto.createPrivateKey(config.as2.privateKey);
    if (!certificate.checkPrivateKey(key)) return { ok: false, reason: `our AS2 private key does not belong to ${config.as2.certificateFile}` };
    return { ok: true, ours: {
      certificatePem, certificate, certificateDer: certificate.raw,
      privateKeyPkcs1Pem: key.export({ type: 'pkcs1', format: 'pem' }) as string,
      privateKeyPkcs8: key.export({ type: 'pkcs8', format: 'der' }),
    } };
  } catch (err) {
    // Never the key's text in the reason: only which setting is wrong.
    return { ok: false, reason: `our AS2 certificate or private key cannot be read: ${(err as NodeJS.ErrnoException).code ?? 'invalid PEM'}` };
  }
}

/** The partner's certificate PEM from its file (relative to the profile) or environment variable. */
export function readPartnerCertificate(profile: PartnerProfile, env: NodeJS.ProcessEnv = process.env): { ok: true; pem: string } | { ok: false; reason: string } {
  const as2 = profile.transports.as2;
  if (!as2) return { ok: false, reason: 'no transports.as2 in the profile' };
  if (as2.certificateEnv) {
    const pem = env[as2.certificateEnv];
    return pem ? { ok: true, pem } : { ok: false, reason: `environment variable ${as2.certificateEnv} (the partner's AS2 certificate) is not set` };
  }
  if (!as2.certificateFile) return { ok: false, reason: 'transports.as2 has no certificateFile or certificateEnv' };
  const file = path.resolve(profile.files?.dir ?? process.cwd(), as2.certificateFile);
  try {
    return { ok: true, pem: fs.readFileSync(file, 'utf8') };
  } catch (err) {
    return { ok: false, reason: `partner certificate ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
  }
}

/** Everything needed to exchange AS2 with this partner, or why it cannot be done. */
export function as2Settings(config: Pick<GatewayConfig, 'as2'>, profile: PartnerProfile, env: NodeJS.ProcessEnv = process.env): SettingsResult {
  const as2 = profile.transports.as2;
  if (!as2) return { ok: false, reason: 'no transports.as2 in the profile' };
  const ours = loadOurIdentity(config);
  if (!ours.ok) return ours;
  const cert = readPartnerCertificate(profile, env);
  if (!cert.ok) return cert;
  let partnerCertificate: crypto.X509Certificate;
  try {
    partnerCertificate = new crypto.X509Certificate(cert.pem);
  } catch {
    return { ok: false, reason: `the partner's AS2 certificate for ${profile.id} is not a readable PEM certificate` };
  }
  return { ok: true, settings: {
    partnerId: profile.id, profile: as2, partnerAs2Id: as2.partnerAs2Id, ourAs2Id: ourAs2Id(config, profile),
    partnerCertificatePem: cert.pem, partnerCertificateDer: partnerCertificate.raw, partnerCertificate, ours: ours.ours,
  } };
}

/** SHA-256 fingerprint as people compare it on the phone: AB:CD:... */
export function fingerprint(cert: crypto.X509Certificate): string {
  return cert.fingerprint256;
}
