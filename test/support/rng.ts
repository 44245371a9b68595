/** Seeded randomness (mulberry32) for the tests that explore: a printed seed replays a run. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** 0 ≤ n < max */
  int(max: number): number {
    return Math.floor(this.next() * max);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  weighted<T>(choices: ReadonlyArray<readonly [number, T]>): T {
    const total = choices.reduce((sum, [w]) => sum + w, 0);
    let r = this.next() * total;
    for (const [w, value] of choices) if ((r -= w) < 0) return value;
    return choices[choices.length - 1]![1];
  }
}

/** The seed of a run: `<envVar>` replays one; CI runs a fixed one; developers' runs explore new ones. */
export function runSeed(envVar: string, ciSeed: number): number {
  const given = process.env[envVar];
  if (given !== undefined) return Number(given) >>> 0;
  return process.env['CI'] ? ciSeed : (Date.now() ^ (process.pid << 8)) >>> 0;
}
