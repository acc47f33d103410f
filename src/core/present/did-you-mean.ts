/**
 * The candidate closest to a mistyped value, when one is close enough to be what was meant.
 * Hand-written (a dozen lines of Levenshtein distance) rather than a dependency: the lists are a
 * bucket's folder names, tens of short strings.
 */
export function didYouMean(value: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(value.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  // Close enough: a few edits, and fewer than half the letters (so "qa" does not suggest "live").
  return best !== undefined && bestDistance <= Math.max(1, Math.min(3, Math.floor(value.length / 2)))
    ? best
    : undefined;
}

function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
