/** Closest candidate by edit distance, for "did you mean" suggestions. */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  // Beyond a third of the word, a "suggestion" is more confusing than none.
  const limit = Math.max(2, Math.ceil(word.length / 3));
  if (best && bestDistance <= limit) return best;
  // A typo in a long model name (`authentik_stages_emial.emailstage`) is still worth naming.
  const bySuffix = candidates.find((c) => c.toLowerCase().endsWith(`.${lower.slice(lower.indexOf('.') + 1)}`) || lower.endsWith(c.slice(c.indexOf('.')).toLowerCase()));
  return lower.includes('.') ? bySuffix : undefined;
}

/** Damerau-Levenshtein (optimal string alignment), bounded to short strings by the caller. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length > 200 || b.length > 200) return Math.max(a.length, b.length);
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(d[(i - 1) * cols + j]! + 1, d[i * cols + j - 1]! + 1, d[(i - 1) * cols + j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, d[(i - 2) * cols + j - 2]! + 1);
      d[i * cols + j] = value;
    }
  }
  return d[rows * cols - 1]!;
}

/**
 * The few candidates nearest to `word`, nearest first: for a model name, those of the same app
 * label or the same model part, then the rest by edit distance.
 */
export function closestMatches(word: string, candidates: readonly string[], count = 3): string[] {
  const lower = word.toLowerCase();
  const [app, model] = lower.split('.', 2) as [string, string | undefined];
  const score = (candidate: string): number => {
    const [candidateApp, candidateModel] = candidate.toLowerCase().split('.', 2) as [string, string | undefined];
    const sameHalf = candidateApp === app || (model !== undefined && candidateModel === model) ? 0 : 1000;
    return sameHalf + editDistance(lower, candidate.toLowerCase());
  };
  return candidates
    .map((candidate) => ({ candidate, distance: score(candidate) }))
    .filter(({ distance }) => distance < 1000 + Math.max(4, lower.length / 2))
    .sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate))
    .slice(0, count)
    .map(({ candidate }) => candidate);
}
