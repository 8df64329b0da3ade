/**
 * Names are unique among solutions, the way people compare them: "Qualys VA", "qualys  va" and
 * "ＱＵＡＬＹＳ VA" (full-width) are one name. The key is what the name index stores and what a lookup by
 * name computes; the name itself is kept as typed.
 */
export function solutionNameKey(name: string): string {
  return name.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}
