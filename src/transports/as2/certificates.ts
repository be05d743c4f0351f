import type { GatewayConfig } from '../../config/gateway.config';
import type { Logger } from '../../log/logger';
import type { PartnerRegistry } from '../../partners/partner-registry';
import { X509Certificate } from 'node:crypto';
import { loadOurIdentity, readPartnerCertificate } from './as2.config';

export interface ExpiryWarning {
  /** Undefined for our own certificate. */
  partnerId?: string;
  subject: string;
  fingerprint: string;
  notAfter: Date;
  daysLeft: number;
}

/** Certificates (ours and each AS2 partner's) that expire within `days` of now, or already have. */
export function expiringCertificates(config: Pick<GatewayConfig, 'as2'>, registry: PartnerRegistry, now = new Date(), days = config.as2.expiryWarningDays): ExpiryWarning[] {
  const out: ExpiryWarning[] = [];
  const check = (cert: X509Certificate, partnerId?: string) => {
    const notAfter = new Date(cert.validTo);
    const daysLeft = Math.floor((notAfter.getTime() - now.getTime()) / 86_400_000);
    if (daysLeft < days) out.push({ partnerId, subject: cert.subject.replace(/\n/g, ', '), fingerprint: cert.fingerprint256, notAfter, daysLeft });
  };
  const ours = loadOurIdentity(config);
  if (ours.ok) check(ours.ours.certificate);
  // Each partner's certificate on its own: one that expires matters even while our identity is missing.
  for (const p of registry.profiles) {
    if (!p.transports.as2) continue;
    const pem = readPartnerCertificate(p);
    if (!pem.ok) continue;
    try {
      check(new X509Certificate(pem.pem), p.id);
    } catch {
      // Not a readable certificate: as2Settings says so where it is used.
    }
  }
  return out;
}

/** Logs one warning per certificate close to expiry; what the daemon runs daily. */
export function warnExpiringCertificates(config: Pick<GatewayConfig, 'as2'>, registry: PartnerRegistry, log: Logger, now = new Date()): ExpiryWarning[] {
  const warnings = expiringCertificates(config, registry, now);
  for (const w of warnings) {
    log.warn({ partnerId: w.partnerId, subject: w.subject, fingerprint: w.fingerprint, notAfter: w.notAfter.toISOString(), daysLeft: w.daysLeft },
      w.daysLeft < 0 ? 'AS2 certificate has expired' : `AS2 certificate expires in ${w.daysLeft} days`);
  }
  return warnings;
}
