// The benchmark's report: the markdown table, the targets (ratios within the same run) and the JSON.
import { sizeText, type SizeUnit } from './benchFile';
import type { RunResult } from './measure';
import type { ServerId } from './servers';

export type TargetStatus = 'PASS' | 'FAIL' | 'N/A';

export type TargetMetric = 'changeToDiagnosticsMedian' | 'openToDiagnostics' | 'peakRssBytes';

export interface TargetResult {
  name: string;
  /** The file size (stages or entries) it is judged at. */
  size: number;
  metric: TargetMetric;
  /** Required ratio ours / yaml-language-server, at most. */
  limit: number;
  limitText: string;
  ours: number | null;
  yamlLs: number | null;
  ratio: number | null;
  status: TargetStatus;
  reason?: string;
}

export interface TargetSpec {
  name: string;
  size: number;
  metric: TargetMetric;
  limit: number;
  limitText: string;
}

/** The stage-file targets: change→diagnostics ≤ 1/20 (one stage) and ≤ 1/15 (2,000 stages) of yaml-ls; peak memory ≤ 1/2 per size. */
export function stageTargetSpecs(sizes: readonly number[]): TargetSpec[] {
  return [
    { name: 'one-stage change→diagnostics (median)', size: 1, metric: 'changeToDiagnosticsMedian' as const, limit: 1 / 20, limitText: '≤ 1/20' },
    { name: '2,000-stage change→diagnostics (median)', size: 2000, metric: 'changeToDiagnosticsMedian' as const, limit: 1 / 15, limitText: '≤ 1/15' },
    ...sizes.map((stages) => ({
      name: `${stages.toLocaleString('en-US')}-stage peak memory (VmHWM)`,
      size: stages,
      metric: 'peakRssBytes' as const,
      limit: 1 / 2,
      limitText: '≤ 1/2',
    })),
  ];
}

function metricOf(run: RunResult | undefined, metric: TargetMetric): number | null {
  if (!run || run.error) return null;
  if (metric === 'peakRssBytes') return run.peakRssBytes;
  return metric === 'openToDiagnostics' ? run.openToDiagnosticsMs : run.changeToDiagnostics.median;
}

/**
 * Judges the targets. A target is N/A only when its size or one of its two servers was left
 * out of this run on purpose (--sizes/--servers); a server that was in the run and failed fails it,
 * and so does, for change→diagnostics, a server whose answers did not match the edit.
 */
export function judgeTargets(
  runs: readonly RunResult[],
  specs: readonly TargetSpec[],
  sizes: readonly number[],
  servers: readonly ServerId[],
): TargetResult[] {
  return specs.map((spec) => {
    const base = { name: spec.name, size: spec.size, metric: spec.metric, limit: spec.limit, limitText: spec.limitText };
    if (!sizes.includes(spec.size) || !servers.includes('ours') || !servers.includes('yaml-ls')) {
      return { ...base, ours: null, yamlLs: null, ratio: null, status: 'N/A' as const, reason: 'not measured in this run' };
    }
    const oursRun = runs.find((r) => r.server === 'ours' && r.size === spec.size);
    const yamlRun = runs.find((r) => r.server === 'yaml-ls' && r.size === spec.size);
    const ours = metricOf(oursRun, spec.metric);
    const yamlLs = metricOf(yamlRun, spec.metric);
    if (ours === null || yamlLs === null || yamlLs <= 0) {
      const missing = ours === null ? `ours: ${oursRun?.error ?? 'no measurement'}` : `yaml-language-server: ${yamlRun?.error ?? 'no measurement'}`;
      return { ...base, ours, yamlLs, ratio: null, status: 'FAIL' as const, reason: missing.split('\n')[0] };
    }
    const ratio = ours / yamlLs;
    // A fast answer that does not show the edit (the invalid value not flagged) is no answer.
    const unanswered = spec.metric === 'changeToDiagnosticsMedian' ? [oursRun, yamlRun].find((r) => r && r.changeToDiagnostics.contentMismatches > 0) : undefined;
    if (unanswered) {
      const c = unanswered.changeToDiagnostics;
      const reason = `${unanswered.label}: ${c.contentMismatches} of ${c.samples.length} answers did not match the edit`;
      return { ...base, ours, yamlLs, ratio, status: 'FAIL' as const, reason };
    }
    return { ...base, ours, yamlLs, ratio, status: ratio <= spec.limit ? ('PASS' as const) : ('FAIL' as const) };
  });
}

function ms(value: number | null): string {
  if (value === null) return '–';
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

function mb(bytes: number | null): string {
  return bytes === null ? '–' : (bytes / 1e6).toFixed(1);
}

function ratioText(ratio: number | null): string {
  if (ratio === null) return '–';
  return ratio > 0 ? `1/${(1 / ratio).toFixed(2)} (${ratio.toFixed(3)})` : "0";
}

/** The markdown table: one row per server × size (counted in `unit`). */
export function resultsTable(runs: readonly RunResult[], unit: SizeUnit): string {
  const header = [
    'server',
    unit,
    'open→diag ms',
    'change→diag median ms',
    'change→diag p95 ms',
    'completion ms (key / value)',
    'hover ms',
    'peak MB',
  ];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i < 2 ? ' --- ' : ' ---: ')).join('|')}|`];
  for (const run of runs) {
    const c = run.changeToDiagnostics;
    const cells = [
      run.label + (run.error ? ' ⚠' : ''),
      run.size.toLocaleString('en-US'),
      ms(run.openToDiagnosticsMs) + (run.openToDiagnosticsSamples.length > 1 ? ` (median, n=${run.openToDiagnosticsSamples.length})` : ''),
      c.median === null ? '–' : `${ms(c.median)} (n=${c.samples.length})`,
      ms(c.p95),
      `${ms(run.keyCompletion.median)} / ${ms(run.valueCompletion.median)}`,
      ms(run.hover.median),
      mb(run.peakRssBytes),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/**
 * The targets as a markdown list of PASS/FAIL lines. For memory, when the floor server ran at
 * that size, the line also says how much each server holds above the floor (a bare Node.js LSP
 * process), which the verdict does not use.
 */
export function targetsText(targets: readonly TargetResult[], runs: readonly RunResult[] = []): string {
  return targets
    .map((t) => {
      const memory = t.metric === 'peakRssBytes';
      const unit = memory ? (v: number | null) => `${mb(v)} MB` : (v: number | null) => `${ms(v)} ms`;
      const values = t.status === 'N/A' ? '' : `: ours ${unit(t.ours)} vs yaml-language-server ${unit(t.yamlLs)} = ${ratioText(t.ratio)}`;
      let floorText = '';
      const floor = runs.find((r) => r.server === 'floor' && r.size === t.size && !r.error)?.peakRssBytes ?? null;
      if (memory && floor !== null && t.ours !== null && t.yamlLs !== null) {
        const above = (v: number): string => `${((v - floor) / 1e6).toFixed(1)} MB`;
        floorText = `; above the floor server's ${mb(floor)} MB: ours ${above(t.ours)} vs ${above(t.yamlLs)}`;
      }
      return `- **${t.status}** ${t.name} ${t.limitText} of yaml-language-server's${values}${floorText}${t.reason ? ` (${t.reason})` : ''}`;
    })
    .join('\n');
}

/** Errors and notes of the runs, one line each. */
export function notesText(runs: readonly RunResult[]): string {
  const lines: string[] = [];
  for (const run of runs) {
    const who = `${run.label}, ${sizeText(run.size, run.unit)}`;
    if (run.error) lines.push(`- ${who}: ERROR ${run.error.split('\n').slice(0, 3).join(' ⏎ ')}`);
    for (const note of run.notes) lines.push(`- ${who}: ${note}`);
  }
  return lines.join('\n');
}
