import { GatewayError } from '../errors/gateway-error';
import { formatIssue, loadProfiles } from './load-profiles';
import { PartnerRegistry } from './partner-registry';

/** The partner registry, or a PROFILE_INVALID error naming the first bad file, line and field. */
export function requireProfiles(dir: string): PartnerRegistry {
  const { profiles, issues } = loadProfiles(dir);
  if (issues.length) {
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more; run 'edi-gateway partners lint')` : '';
    throw new GatewayError('PROFILE_INVALID', `${formatIssue(issues[0])}${more}`);
  }
  return new PartnerRegistry(profiles);
}
