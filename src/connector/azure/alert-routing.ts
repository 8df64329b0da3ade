/**
 * Which solution an Azure alert belongs to: the one connected Defender for Cloud solution whose vendor is
 * the alert's `vendorName`. Microsoft's own alerts (Defender for Cloud raised them), and alerts whose
 * vendor matches no solution or several, go to the "Microsoft Defender for Cloud" solution.
 */
import { DEFENDER_VENDOR } from './azure-mapping.js';

export interface AlertCandidate {
  id: string;
  vendor: string;
}

/** The id of the solution to attach the alert to, or null for "Microsoft Defender for Cloud". */
export function alertTarget(vendorName: string | null, candidates: readonly AlertCandidate[]): string | null {
  const vendor = (vendorName ?? '').trim().toLowerCase();
  if (vendor === '' || vendor === DEFENDER_VENDOR.toLowerCase()) return null;
  const matches = candidates.filter((c) => c.vendor.trim().toLowerCase() === vendor);
  return matches.length === 1 ? (matches[0]?.id ?? null) : null;
}
