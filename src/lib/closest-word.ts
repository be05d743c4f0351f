/**
 * Edit distance between two words (optimal string alignment: insertions, deletions,
 * substitutions and swaps of two neighbours each count 1).
 */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * The candidate a mistyped word most likely meant, or undefined when none is close: case is
 * ignored, and a word may be up to a third of its length (at most 4) edits away, or be a prefix
 * of the candidate (or the candidate of it) when both have 4 characters or more.
 */
export function closestWord(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  const allowed = Math.min(4, Math.max(1, Math.floor(word.length / 3)));
  let best: { word: string; score: number } | undefined;
  for (const candidate of candidates) {
    if (candidate === word) continue;
    const c = candidate.toLowerCase();
    let score = editDistance(w, c);
    if (score > allowed && Math.min(w.length, c.length) >= 4 && (c.startsWith(w) || w.startsWith(c))) score = allowed;
    if (score <= allowed && (!best || score < best.score)) best = { word: candidate, score };
  }
  return best?.word;
}
