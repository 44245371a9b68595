/**
 * The sandbox's state, in memory: stages (every type), prompts, flows, flow-stage bindings,
 * sources, and other objects that stages may reference (policies, groups, …), with the indexes
 * the API needs (unique names, bindings per stage). Deleting an object does what the database
 * would: bindings cascade, nullable references are set to null, many-to-many entries disappear,
 * required references cascade.
 *
 * Values are stored as plain JSON (write-only fields included). With a state file, the whole
 * state is written (atomically) after every change; its format is the seed format of `seed.ts`.
 */
import { randomUUID } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import type { Catalog, StageType } from './catalog';
import { objectDefaults } from './objectKinds';
import { isCanonicalUuid } from './pyconvert';
import { BUILTIN_EMAIL_TEMPLATES, OTHER_KINDS, type OtherKind } from './stageRules';

/** A stage or prompt as stored: pk, model and every field (write-only ones too). */
export interface StoredObject {
  pk: string;
  model: string;
  name: string;
  [field: string]: unknown;
}

export interface StoredFlow {
  pk: string;
  slug: string;
  name: string;
  title: string;
  designation: string;
  [field: string]: unknown;
}

export interface StoredBinding {
  pk: string;
  /** The flow's pk. */
  target: string;
  /** The stage's pk. */
  stage: string;
  order: number;
  [field: string]: unknown;
}

export interface StoredSource {
  pk: string;
  /** `authentik_sources_oauth.oauthsource`. */
  model: string;
  slug: string;
  name: string;
  [field: string]: unknown;
}

export interface StoredOther {
  pk: string;
  name: string;
  /** The subclass, for polymorphic kinds (policies, property mappings, connectors). */
  model?: string;
  /** Connectors: does the connector support the endpoint stage (default true)? */
  supportsStages?: boolean;
  [field: string]: unknown;
}

/** A new policy, group, … (see {@link SandboxStore.addObject}). */
export interface NewObject {
  pk?: string;
  name: string;
  model?: string;
  [field: string]: unknown;
}

/** A new stage (or prompt): `model` picks the type; fields not given get the model's defaults. */
export interface NewStage {
  model: string;
  pk?: string;
  name: string;
  [field: string]: unknown;
}

/** A new prompt (`model` may be left out). */
export interface NewPrompt {
  model?: string;
  pk?: string;
  name: string;
  [field: string]: unknown;
}

/** Many stages of one type, named `<namePrefix><n>` (n from 1, zero-padded to the count's width). */
export interface GenerateSpec {
  model: string;
  count: number;
  namePrefix?: string;
  fields?: Record<string, unknown>;
}

export interface NewFlow {
  pk?: string;
  slug: string;
  name?: string;
  title?: string;
  /** authentication, authorization, enrollment, invalidation, recovery, stage_configuration, unenrollment. */
  designation?: string;
  [field: string]: unknown;
}

export interface NewBinding {
  pk?: string;
  /** The flow: pk or slug. */
  target: string;
  /** The stage: pk or name. */
  stage: string;
  /** Defaults to after the flow's last binding (10, 20, …). */
  order?: number;
  [field: string]: unknown;
}

export interface NewSource {
  pk?: string;
  model: string;
  slug: string;
  name?: string;
  [field: string]: unknown;
}

/** The persisted state (a valid seed file). */
export interface StateData {
  format: 'authentik-sandbox-state/1';
  customEmailTemplates: string[];
  flows: StoredFlow[];
  stages: StoredObject[];
  prompts: StoredObject[];
  bindings: StoredBinding[];
  sources: StoredSource[];
  objects: Partial<Record<OtherKind, StoredOther[]>>;
}

/** One entry of a `used_by` answer. */
export interface UsedByEntry {
  app: string;
  model_name: string;
  pk: string;
  name: string;
  action: 'cascade' | 'cascade_many' | 'set_null' | 'set_default' | 'left_dangling';
}

interface Entry {
  pk: string;
  type: StageType;
  values: Record<string, unknown>;
}

const FLOW_DEFAULTS = {
  background: '',
  policy_engine_mode: 'any',
  compatibility_mode: false,
  layout: 'stacked',
  denied_action: 'message_continue',
  authentication: 'none',
};

const BINDING_DEFAULTS = { evaluate_on_plan: false, re_evaluate_policies: true, policy_engine_mode: 'any', invalid_response_action: 'retry' };

const SOURCE_DEFAULTS = {
  enabled: true,
  promoted: false,
  authentication_flow: null,
  enrollment_flow: null,
  user_property_mappings: [],
  group_property_mappings: [],
  policy_engine_mode: 'any',
  user_matching_mode: 'identifier',
  user_path_template: 'goauthentik.io/sources/%(slug)s',
  icon: '',
};

function clone<T>(value: T): T {
  return structuredClone(value);
}

function newPk(pk: string | undefined, what: string): string {
  if (pk === undefined) return randomUUID();
  const lower = pk.toLowerCase();
  if (!isCanonicalUuid(lower)) throw new Error(`${what}: pk ${JSON.stringify(pk)} is not a UUID`);
  return lower;
}

export class SandboxStore {
  private readonly stages = new Map<string, Entry>();
  private readonly prompts = new Map<string, Entry>();
  private readonly stageNames = new Map<string, string>();
  private readonly promptNames = new Map<string, string>();
  private readonly flows = new Map<string, StoredFlow>();
  private readonly flowSlugs = new Map<string, string>();
  private readonly bindings = new Map<string, StoredBinding>();
  private readonly bindingsByStage = new Map<string, Set<string>>();
  private readonly sources = new Map<string, StoredSource>();
  private readonly sourceSlugs = new Map<string, string>();
  private readonly others = new Map<OtherKind, Map<string, StoredOther>>();
  private batchDepth = 0;
  private dirty = false;
  private readonly listeners: Array<() => void> = [];
  /** Increases with every change (listing caches key on it). */
  version = 0;
  /** Templates the server's template directory holds, besides the built-ins. */
  customEmailTemplates: string[] = [];
  /** When set, the state is written there after every change. */
  statePath: string | undefined;

  constructor(readonly catalog: Catalog) {
    for (const kind of OTHER_KINDS) this.others.set(kind, new Map());
  }

  // ---- types -------------------------------------------------------------------------------

  /** The type of a model name (`authentik_stages_email.emailstage`) or OpenAPI type name (`EmailStage`). */
  typeOf(modelOrType: string): StageType {
    const type = this.catalog.byModel.get(modelOrType) ?? this.catalog.byTypeName.get(modelOrType);
    if (!type) throw new Error(`unknown stage model ${JSON.stringify(modelOrType)} (not in the OpenAPI document)`);
    return type;
  }

  // ---- change tracking ---------------------------------------------------------------------

  /** Runs `fn` as one change: listeners and the state file see it once, at the end. */
  batch<T>(fn: () => T): T {
    this.batchDepth++;
    try {
      return fn();
    } finally {
      this.batchDepth--;
      if (this.batchDepth === 0 && this.dirty) this.flush();
    }
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  private changed(): void {
    this.version++;
    this.dirty = true;
    if (this.batchDepth === 0) this.flush();
  }

  private flush(): void {
    this.dirty = false;
    if (this.statePath) this.writeState(this.statePath);
    for (const listener of this.listeners) listener();
  }

  /** Writes the whole state to `path` (via a temporary file and a rename). */
  writeState(path: string): void {
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.snapshot(), null, 1));
    renameSync(tmp, path);
  }

  // ---- stages and prompts ------------------------------------------------------------------

  private table(type: StageType): { entries: Map<string, Entry>; names: Map<string, string> } {
    return type.isStage ? { entries: this.stages, names: this.stageNames } : { entries: this.prompts, names: this.promptNames };
  }

  private snapshotOf(entry: Entry): StoredObject {
    return { pk: entry.pk, model: entry.type.model, ...clone(entry.values) } as StoredObject;
  }

  /** Inserts a stage or prompt with the given (already valid) values; defaults fill the rest. */
  insert(type: StageType, values: Record<string, unknown>, pk?: string): StoredObject {
    const { entries, names } = this.table(type);
    const id = newPk(pk, type.typeName);
    if (entries.has(id) || (type.isStage ? this.prompts.has(id) : this.stages.has(id))) throw new Error(`${type.typeName}: pk ${id} is taken`);
    const full = { ...clone(type.defaults), ...clone(values) };
    const name = String(full['name'] ?? '');
    if (name === '') throw new Error(`${type.typeName}: a name is required`);
    if (names.has(name)) throw new Error(`${type.typeName}: the name ${JSON.stringify(name)} is taken`);
    const entry: Entry = { pk: id, type, values: full };
    entries.set(id, entry);
    names.set(name, id);
    this.changed();
    return this.snapshotOf(entry);
  }

  /** Sets fields of a stored stage or prompt (no validation: a "remote change"). */
  update(pk: string, patch: Record<string, unknown>): StoredObject {
    const entry = this.stages.get(pk) ?? this.prompts.get(pk);
    if (!entry) throw new Error(`no stage or prompt ${pk}`);
    const { names } = this.table(entry.type);
    const fields = { ...patch };
    delete fields['pk'];
    delete fields['model'];
    if ('name' in fields) {
      const name = String(fields['name']);
      const holder = names.get(name);
      if (holder !== undefined && holder !== pk) throw new Error(`the name ${JSON.stringify(name)} is taken`);
      names.delete(String(entry.values['name']));
      names.set(name, pk);
    }
    Object.assign(entry.values, clone(fields));
    this.changed();
    return this.snapshotOf(entry);
  }

  getStage(pk: string): StoredObject | undefined {
    const entry = this.stages.get(pk.toLowerCase());
    return entry ? this.snapshotOf(entry) : undefined;
  }

  getPrompt(pk: string): StoredObject | undefined {
    const entry = this.prompts.get(pk.toLowerCase());
    return entry ? this.snapshotOf(entry) : undefined;
  }

  findStageByName(name: string): StoredObject | undefined {
    const pk = this.stageNames.get(name);
    return pk ? this.getStage(pk) : undefined;
  }

  findPromptByName(name: string): StoredObject | undefined {
    const pk = this.promptNames.get(name);
    return pk ? this.getPrompt(pk) : undefined;
  }

  /** Every stage (of one model, when given), in insertion order. */
  listStages(model?: string): StoredObject[] {
    const out: StoredObject[] = [];
    for (const entry of this.stages.values()) if (!model || entry.type.model === model) out.push(this.snapshotOf(entry));
    return out;
  }

  listPrompts(): StoredObject[] {
    return [...this.prompts.values()].map((e) => this.snapshotOf(e));
  }

  stageCount(): number {
    return this.stages.size;
  }

  /** Adds a stage (or a prompt, with `model: authentik_stages_prompt.prompt`); unset fields get defaults. */
  addStage(input: NewStage): StoredObject {
    const { model, pk, ...values } = input;
    return this.insert(this.typeOf(model), values, pk);
  }

  /** Adds many stages at once (one state-file write): a list, or `{model, count, namePrefix?, fields?}`. */
  addStages(input: NewStage[] | GenerateSpec): StoredObject[] {
    return this.batch(() => {
      if (Array.isArray(input)) return input.map((stage) => this.addStage(stage));
      const type = this.typeOf(input.model);
      const width = String(input.count).length;
      const prefix = input.namePrefix ?? `${type.modelName}-`;
      const out: StoredObject[] = [];
      for (let i = 1; i <= input.count; i++) out.push(this.insert(type, { ...(input.fields ?? {}), name: `${prefix}${String(i).padStart(width, '0')}` }));
      return out;
    });
  }

  addPrompt(input: NewPrompt): StoredObject {
    const { pk, model: _model, ...values } = input;
    return this.insert(this.typeOf('Prompt'), values, pk);
  }

  /** Changes a stored stage as if someone else had edited it on the server. */
  updateStage(pk: string, patch: Record<string, unknown>): StoredObject {
    if (!this.stages.has(pk.toLowerCase())) throw new Error(`no stage ${pk}`);
    return this.update(pk.toLowerCase(), patch);
  }

  updatePrompt(pk: string, patch: Record<string, unknown>): StoredObject {
    if (!this.prompts.has(pk.toLowerCase())) throw new Error(`no prompt ${pk}`);
    return this.update(pk.toLowerCase(), patch);
  }

  /** Deletes a stage the way the database would (bindings cascade, references are cleared). */
  deleteStage(pk: string): boolean {
    const id = pk.toLowerCase();
    if (!this.stages.has(id)) return false;
    this.batch(() => this.removeObject(id, 'stage'));
    return true;
  }

  deletePrompt(pk: string): boolean {
    const id = pk.toLowerCase();
    if (!this.prompts.has(id)) return false;
    this.batch(() => this.removeObject(id, 'prompt'));
    return true;
  }

  /** Removes an object and applies `on_delete` to everything that references it. */
  private removeObject(pk: string, kind: 'stage' | 'prompt' | 'flow' | 'source' | OtherKind): void {
    if (kind === 'stage' || kind === 'prompt') {
      const entry = (kind === 'stage' ? this.stages : this.prompts).get(pk);
      if (!entry) return;
      (kind === 'stage' ? this.stages : this.prompts).delete(pk);
      (kind === 'stage' ? this.stageNames : this.promptNames).delete(String(entry.values['name']));
      for (const bindingPk of [...(this.bindingsByStage.get(pk) ?? [])]) this.removeBinding(bindingPk);
      this.bindingsByStage.delete(pk);
    } else if (kind === 'flow') {
      const flow = this.flows.get(pk);
      if (!flow) return;
      this.flows.delete(pk);
      this.flowSlugs.delete(flow.slug);
      for (const binding of [...this.bindings.values()]) if (binding.target === pk) this.removeBinding(binding.pk);
      for (const source of this.sources.values()) {
        if (source['authentication_flow'] === pk) source['authentication_flow'] = null;
        if (source['enrollment_flow'] === pk) source['enrollment_flow'] = null;
      }
    } else if (kind === 'source') {
      const source = this.sources.get(pk);
      if (!source) return;
      this.sources.delete(pk);
      this.sourceSlugs.delete(source.slug);
    } else {
      this.others.get(kind)?.delete(pk);
    }
    const cascade: Array<[string, 'stage' | 'prompt']> = [];
    for (const [table, tableKind] of [
      [this.stages, 'stage'],
      [this.prompts, 'prompt'],
    ] as const) {
      for (const entry of table.values()) {
        for (const field of entry.type.fields) {
          if (!field.target || !this.targetMatchesKind(field.target, kind)) continue;
          const value = entry.values[field.name];
          if (field.kind === 'pk' && value === pk) {
            if (field.allowNull) entry.values[field.name] = null;
            else cascade.push([entry.pk, tableKind]);
          } else if (field.kind === 'manypk' && Array.isArray(value) && value.includes(pk)) {
            entry.values[field.name] = value.filter((v) => v !== pk);
          }
        }
      }
    }
    for (const [victim, victimKind] of cascade) this.removeObject(victim, victimKind);
    this.changed();
  }

  private targetMatchesKind(target: string, kind: string): boolean {
    return target === kind || (kind === 'stage' && target.startsWith('stage:'));
  }

  // ---- flows and bindings ------------------------------------------------------------------

  addFlow(input: NewFlow): StoredFlow {
    const pk = newPk(input.pk, `flow ${input.slug}`);
    if (this.flows.has(pk) || this.flowSlugs.has(input.slug)) throw new Error(`flow ${input.slug}: pk or slug taken`);
    const name = input.name ?? input.slug;
    const flow: StoredFlow = {
      ...FLOW_DEFAULTS,
      ...clone(input),
      pk,
      slug: input.slug,
      name,
      title: input.title ?? name,
      designation: input.designation ?? 'authentication',
    };
    this.flows.set(pk, flow);
    this.flowSlugs.set(flow.slug, pk);
    this.changed();
    return clone(flow);
  }

  /** A flow by pk or slug. */
  getFlow(pkOrSlug: string): StoredFlow | undefined {
    const flow = this.flows.get(pkOrSlug.toLowerCase()) ?? this.flows.get(this.flowSlugs.get(pkOrSlug) ?? '');
    return flow ? clone(flow) : undefined;
  }

  listFlows(): StoredFlow[] {
    return [...this.flows.values()].map(clone);
  }

  deleteFlow(pkOrSlug: string): boolean {
    const flow = this.getFlow(pkOrSlug);
    if (!flow) return false;
    this.batch(() => this.removeObject(flow.pk, 'flow'));
    return true;
  }

  /** Binds a stage (pk or name) into a flow (pk or slug). */
  bindStage(input: NewBinding): StoredBinding {
    const flow = this.getFlow(input.target);
    if (!flow) throw new Error(`binding: no flow ${input.target}`);
    const stage = this.stages.get(input.stage.toLowerCase()) ?? this.stages.get(this.stageNames.get(input.stage) ?? '');
    if (!stage) throw new Error(`binding: no stage ${input.stage}`);
    const pk = newPk(input.pk, 'binding');
    const existing = [...this.bindings.values()].filter((b) => b.target === flow.pk).map((b) => b.order);
    const order = input.order ?? (existing.length ? Math.max(...existing) + 10 : 10);
    const binding: StoredBinding = { ...BINDING_DEFAULTS, ...clone(input), pk, target: flow.pk, stage: stage.pk, order };
    this.bindings.set(pk, binding);
    let set = this.bindingsByStage.get(stage.pk);
    if (!set) this.bindingsByStage.set(stage.pk, (set = new Set()));
    set.add(pk);
    this.changed();
    return clone(binding);
  }

  getBinding(pk: string): StoredBinding | undefined {
    const binding = this.bindings.get(pk.toLowerCase());
    return binding ? clone(binding) : undefined;
  }

  listBindings(): StoredBinding[] {
    return [...this.bindings.values()].map(clone);
  }

  unbind(pk: string): boolean {
    if (!this.bindings.has(pk.toLowerCase())) return false;
    this.removeBinding(pk.toLowerCase());
    this.changed();
    return true;
  }

  private removeBinding(pk: string): void {
    const binding = this.bindings.get(pk);
    if (!binding) return;
    this.bindings.delete(pk);
    this.bindingsByStage.get(binding.stage)?.delete(pk);
  }

  /** The bindings of a stage. */
  bindingsOfStage(stagePk: string): StoredBinding[] {
    return [...(this.bindingsByStage.get(stagePk) ?? [])].map((pk) => this.bindings.get(pk)!).filter(Boolean);
  }

  /** The flows a stage is bound into (its `flow_set`), by slug. */
  flowsOfStage(stagePk: string): StoredFlow[] {
    const set = this.bindingsByStage.get(stagePk);
    if (!set || set.size === 0) return [];
    const flows = new Map<string, StoredFlow>();
    for (const pk of set) {
      const binding = this.bindings.get(pk);
      const flow = binding ? this.flows.get(binding.target) : undefined;
      if (flow) flows.set(flow.pk, flow);
    }
    return [...flows.values()].sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
  }

  /** The stage pks of a flow, in binding order. */
  stagesOfFlow(flowPk: string): string[] {
    return [...this.bindings.values()]
      .filter((b) => b.target === flowPk)
      .sort((a, b) => a.order - b.order)
      .map((b) => b.stage);
  }

  // ---- sources and other objects -----------------------------------------------------------

  addSource(input: NewSource): StoredSource {
    const pk = newPk(input.pk, `source ${input.slug}`);
    if (this.sources.has(pk) || this.sourceSlugs.has(input.slug)) throw new Error(`source ${input.slug}: pk or slug taken`);
    const source: StoredSource = { ...SOURCE_DEFAULTS, ...clone(input), pk, model: input.model, slug: input.slug, name: input.name ?? input.slug };
    this.sources.set(pk, source);
    this.sourceSlugs.set(source.slug, pk);
    this.changed();
    return clone(source);
  }

  /** A source by pk or slug. */
  getSource(pkOrSlug: string): StoredSource | undefined {
    const source = this.sources.get(pkOrSlug.toLowerCase()) ?? this.sources.get(this.sourceSlugs.get(pkOrSlug) ?? '');
    return source ? clone(source) : undefined;
  }

  listSources(): StoredSource[] {
    return [...this.sources.values()].map(clone);
  }

  deleteSource(pkOrSlug: string): boolean {
    const source = this.getSource(pkOrSlug);
    if (!source) return false;
    this.batch(() => this.removeObject(source.pk, 'source'));
    return true;
  }

  /**
   * Adds a policy, group, certificate key pair, webhook mapping, other property mapping, WebAuthn
   * device type (pk = its AAGUID, name = its description) or connector; `model` picks the subclass
   * of polymorphic kinds (`authentik_policies_password.passwordpolicy`). Fields not given get the
   * kind's defaults.
   */
  addObject(kind: OtherKind, input: NewObject): StoredOther {
    const table = this.others.get(kind);
    if (!table) throw new Error(`unknown object kind ${JSON.stringify(kind)} (one of ${OTHER_KINDS.join(', ')})`);
    if (typeof input.name !== 'string' || input.name === '') throw new Error(`${kind}: a name is required`);
    const pk = newPk(input.pk, `${kind} ${input.name}`);
    if (table.has(pk)) throw new Error(`${kind} ${pk} exists`);
    const object: StoredOther = { ...objectDefaults(kind, [...table.values()]), ...clone(input), pk, name: input.name };
    table.set(pk, object);
    this.changed();
    return clone(object);
  }

  /** Adds many objects of one kind at once (one state-file write). */
  addObjects(kind: OtherKind, inputs: readonly NewObject[]): StoredOther[] {
    return this.batch(() => inputs.map((input) => this.addObject(kind, input)));
  }

  listObjects(kind: OtherKind): StoredOther[] {
    return [...(this.others.get(kind)?.values() ?? [])].map(clone);
  }

  /** The first object of a kind with this name (a WebAuthn device type's name is its description). */
  findObject(kind: OtherKind, name: string): StoredOther | undefined {
    for (const object of this.others.get(kind)?.values() ?? []) if (object.name === name) return clone(object);
    return undefined;
  }

  /** Internal: the live objects of a kind. Do not modify. */
  objectEntries(kind: OtherKind): readonly StoredOther[] {
    return [...(this.others.get(kind)?.values() ?? [])];
  }

  /** How many prompt stages list a policy in `validation_policies`. */
  promptStagesWithPolicy(pk: string): number {
    let count = 0;
    for (const entry of this.stages.values()) {
      const policies = entry.values['validation_policies'];
      if (Array.isArray(policies) && policies.includes(pk)) count++;
    }
    return count;
  }

  getObject(kind: OtherKind, pk: string): StoredOther | undefined {
    const object = this.others.get(kind)?.get(pk.toLowerCase());
    return object ? clone(object) : undefined;
  }

  deleteObject(kind: OtherKind, pk: string): boolean {
    if (!this.others.get(kind)?.has(pk.toLowerCase())) return false;
    this.batch(() => this.removeObject(pk.toLowerCase(), kind));
    return true;
  }

  // ---- lookups for validation --------------------------------------------------------------

  /** Does an object with this canonical pk exist for a related field's target? */
  exists(target: string, pk: string): boolean {
    if (target === 'flow') return this.flows.has(pk);
    if (target === 'source') return this.sources.has(pk);
    if (target === 'prompt') return this.prompts.has(pk);
    if (target === 'stage') return this.stages.has(pk);
    if (target.startsWith('stage:')) return this.stages.get(pk)?.type.model === target.slice('stage:'.length);
    return this.others.get(target as OtherKind)?.has(pk) ?? false;
  }

  stageNameTaken(name: string, exceptPk?: string): boolean {
    const holder = this.stageNames.get(name);
    return holder !== undefined && holder !== exceptPk;
  }

  promptNameTaken(name: string, exceptPk?: string): boolean {
    const holder = this.promptNames.get(name);
    return holder !== undefined && holder !== exceptPk;
  }

  /** Every email template name the server accepts. */
  emailTemplates(): string[] {
    return [...BUILTIN_EMAIL_TEMPLATES.map((t) => t.name), ...this.customEmailTemplates];
  }

  connectorSupportsStages(pk: string): boolean {
    return this.others.get('connector')?.get(pk)?.supportsStages !== false;
  }

  // ---- fast internal access for the API ----------------------------------------------------

  /** Internal: the live entries of a type (or of every stage type), unsorted. Do not modify. */
  entries(type?: StageType): Array<{ pk: string; type: StageType; values: Readonly<Record<string, unknown>> }> {
    if (type && !type.isStage) return [...this.prompts.values()];
    const all = [...this.stages.values()];
    return type ? all.filter((e) => e.type === type) : all;
  }

  /** Internal: one live entry. Do not modify. */
  entry(pk: string): { pk: string; type: StageType; values: Readonly<Record<string, unknown>> } | undefined {
    return this.stages.get(pk) ?? this.prompts.get(pk);
  }

  /** Internal: replaces fields of an entry with validated values (PUT/PATCH). */
  applyValidated(pk: string, attrs: Record<string, unknown>): void {
    this.update(pk, attrs);
  }

  /** What references an object (the `used_by` answer). */
  usedBy(pk: string): UsedByEntry[] {
    const out: UsedByEntry[] = [];
    for (const bindingPk of this.bindingsByStage.get(pk) ?? []) {
      const b = this.bindings.get(bindingPk);
      if (b) out.push({ app: 'authentik_flows', model_name: 'flowstagebinding', pk: b.pk, name: `Flow-stage binding #${b.order} to ${b.target}`, action: 'cascade' });
    }
    const kind =
      this.stages.has(pk) ? 'stage'
      : this.prompts.has(pk) ? 'prompt'
      : this.flows.has(pk) ? 'flow'
      : this.sources.has(pk) ? 'source'
      : OTHER_KINDS.find((k) => this.others.get(k)?.has(pk));
    if (kind === 'flow') {
      for (const b of this.bindings.values()) {
        if (b.target === pk)
          out.push({ app: 'authentik_flows', model_name: 'flowstagebinding', pk: b.pk, name: `Flow-stage binding #${b.order} to ${b.target}`, action: 'cascade' });
      }
    }
    if (!kind) return out;
    const stageModel = this.stages.get(pk)?.type.model;
    for (const table of [this.stages, this.prompts]) {
      for (const entry of table.values()) {
        for (const field of entry.type.fields) {
          const target = field.target;
          if (!target) continue;
          const matches = target === kind || (kind === 'stage' && (target === 'stage' || target === `stage:${stageModel}`));
          if (!matches) continue;
          const value = entry.values[field.name];
          const name = String(entry.values['name']);
          if (field.kind === 'pk' && value === pk) {
            out.push({ app: entry.type.app, model_name: entry.type.modelName, pk: entry.pk, name, action: field.allowNull ? 'set_null' : 'cascade' });
          } else if (field.kind === 'manypk' && Array.isArray(value) && value.includes(pk)) {
            out.push({ app: entry.type.app, model_name: entry.type.modelName, pk: entry.pk, name, action: 'cascade_many' });
          }
        }
      }
    }
    return out;
  }

  // ---- whole state -------------------------------------------------------------------------

  snapshot(): StateData {
    const objects: Partial<Record<OtherKind, StoredOther[]>> = {};
    for (const kind of OTHER_KINDS) {
      const list = this.listObjects(kind);
      if (list.length > 0) objects[kind] = list;
    }
    return {
      format: 'authentik-sandbox-state/1',
      customEmailTemplates: [...this.customEmailTemplates],
      flows: this.listFlows(),
      stages: this.listStages(),
      prompts: this.listPrompts(),
      bindings: this.listBindings(),
      sources: this.listSources(),
      objects,
    };
  }

  /** Forgets everything. */
  clear(): void {
    for (const map of [
      this.stages,
      this.prompts,
      this.stageNames,
      this.promptNames,
      this.flows,
      this.flowSlugs,
      this.bindings,
      this.bindingsByStage,
      this.sources,
      this.sourceSlugs,
    ])
      map.clear();
    for (const table of this.others.values()) table.clear();
    this.changed();
  }
}
