/**
 * Fault injection: rules that delay a request, answer it with a chosen status and body, or drop
 * the connection without any response, for the next `times` matching requests (0 = every one),
 * plus a global latency added to every request. `/_sandbox/*` requests are never affected.
 */

export interface FaultRule {
  /** Only this method (any case); any method when absent. */
  method?: string;
  /** A substring of the path (with query), or a regular expression source matched against it. */
  path?: string;
  /** How many matching requests it applies to; default 1, 0 = always. */
  times?: number;
  /** Wait this long first. */
  delayMs?: number;
  /** Answer with this status (and `body`) instead of handling the request. */
  status?: number;
  /** The answer's body (JSON); default `{"detail": "Injected fault"}`. */
  body?: unknown;
  /** Destroy the connection without a response. */
  drop?: boolean;
}

/** A rule as installed, with how many more times it applies (Infinity for `times: 0`). */
export interface ActiveFault extends FaultRule {
  id: number;
  remaining: number;
}

export interface FaultDecision {
  delayMs: number;
  status?: number;
  body?: unknown;
  drop: boolean;
}

function validRule(rule: unknown): FaultRule {
  if (!rule || typeof rule !== 'object' || Array.isArray(rule)) throw new Error('a fault rule is a JSON object');
  const r = rule as Record<string, unknown>;
  const out: FaultRule = {};
  if (r['method'] !== undefined) out.method = String(r['method']);
  if (r['path'] !== undefined) out.path = String(r['path']);
  for (const key of ['times', 'delayMs', 'status'] as const) {
    if (r[key] === undefined) continue;
    const n = Number(r[key]);
    if (!Number.isFinite(n) || n < 0) throw new Error(`fault rule: ${key} must be a non-negative number`);
    out[key] = n;
  }
  if (r['body'] !== undefined) out.body = r['body'];
  if (r['drop'] !== undefined) out.drop = r['drop'] === true;
  return out;
}

export class Faults {
  private rules: ActiveFault[] = [];
  private nextId = 1;
  /** Added to every request (ms). */
  latencyMs = 0;

  /** Installs a rule; returns it as installed. */
  add(rule: FaultRule): ActiveFault {
    const valid = validRule(rule);
    const times = valid.times ?? 1;
    const active: ActiveFault = { ...valid, id: this.nextId++, remaining: times === 0 ? Infinity : times };
    this.rules.push(active);
    return active;
  }

  clear(): void {
    this.rules = [];
  }

  /** The rules still in force. */
  list(): ActiveFault[] {
    return this.rules.map((r) => ({ ...r }));
  }

  /** The first rule matching this request consumes one use and says what to do. */
  decide(method: string, pathWithQuery: string): FaultDecision {
    const decision: FaultDecision = { delayMs: this.latencyMs, drop: false };
    const pathname = pathWithQuery.split('?')[0]!;
    const rule = this.rules.find(
      (r) => r.remaining > 0 && (!r.method || r.method.toUpperCase() === method.toUpperCase()) && (!r.path || matchesPath(r.path, pathname, pathWithQuery)),
    );
    if (!rule) return decision;
    rule.remaining--;
    if (rule.remaining <= 0) this.rules = this.rules.filter((r) => r !== rule);
    decision.delayMs += rule.delayMs ?? 0;
    if (rule.drop) decision.drop = true;
    else if (rule.status !== undefined) {
      decision.status = rule.status;
      decision.body = rule.body ?? { detail: 'Injected fault' };
    }
    return decision;
  }
}

function matchesPath(pattern: string, pathname: string, full: string): boolean {
  if (full.includes(pattern)) return true;
  try {
    const re = new RegExp(pattern);
    return re.test(pathname) || re.test(full);
  } catch {
    return false;
  }
}

/** Parses the body of `POST /_sandbox/faults`: a rule, a list of rules, or `{rules?, latencyMs?}`. */
export function parseFaultRequest(body: unknown): { rules: FaultRule[]; latencyMs?: number } {
  if (Array.isArray(body)) return { rules: body.map(validRule) };
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    if ('rules' in b || 'latencyMs' in b) {
      const out: { rules: FaultRule[]; latencyMs?: number } = { rules: Array.isArray(b['rules']) ? b['rules'].map(validRule) : [] };
      if (b['latencyMs'] !== undefined) {
        const n = Number(b['latencyMs']);
        if (!Number.isFinite(n) || n < 0) throw new Error('latencyMs must be a non-negative number');
        out.latencyMs = n;
      }
      return out;
    }
    return { rules: [validRule(body)] };
  }
  throw new Error('expected a fault rule, a list of rules, or {"rules": [...], "latencyMs": n}');
}
