/** Rule id ranges (`942100-942199`), as used by SecRuleRemoveById, ctl:ruleRemoveById and exclusions. */
export type IdRange = readonly [number, number];

export function inRanges(id: number, ranges: readonly IdRange[]): boolean {
  for (const [lo, hi] of ranges) if (id >= lo && id <= hi) return true;
  return false;
}
