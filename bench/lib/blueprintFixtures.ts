// Blueprints for the benchmark: `version`, `metadata`, `context` and N entries cycling through the
// shapes authentik's own blueprints have (../shared/corpus/authentik-blueprints/): a flow, a prompt,
// an expression policy, stages of several types referring to each other with `!KeyOf` and to the
// server with `!Find`, the flow's stage bindings and a policy binding, `conditions` and `state`.
// Every entry has its own `id`, every name and slug is unique; `!KeyOf` only names earlier entries.
import { textWithCounts, type BenchFile } from './benchFile';
import { EMAIL_STAGE_MODEL, emailStageFields } from './stageFixtures';

/** The indentation of an entry's keys (`  - identifiers:` and the keys under it). */
const ENTRY = '    ';
/** The indentation of the keys of an entry's `identifiers` and `attrs`. */
const FIELD = `${ENTRY}  `;

/** One group's entries, in order; `n` (1-based) makes every id, name and slug unique. */
const SHAPES: readonly ((n: number) => string)[] = [
  (n) =>
    entry('authentik_flows.flow', `flow-${n}`, [`slug: bench-flow-${n}`], [
      `name: Bench flow ${n}`,
      `title: Welcome to bench flow ${n}`,
      'designation: authentication',
      'authentication: require_unauthenticated',
    ]),
  (n) =>
    entry('authentik_stages_prompt.prompt', `prompt-field-${n}`, [`name: bench-field-${n}`], [
      `field_key: bench_field_${n}`,
      `label: Field ${n}`,
      'type: text',
      'required: true',
      `placeholder: Field ${n}`,
      'placeholder_expression: false',
      'order: 0',
    ]),
  (n) =>
    entry('authentik_policies_expression.expressionpolicy', `policy-${n}`, [`name: bench-policy-${n}`], [
      'execution_logging: false',
      'expression: |',
      `  return request.context.get("prompt_data", {}).get("bench_field_${n}", "") != ""`,
    ]),
  (n) =>
    entry('authentik_stages_prompt.promptstage', `prompt-stage-${n}`, [`name: bench-prompt-stage-${n}`], [
      'fields:',
      `  - !KeyOf prompt-field-${n}`,
      'validation_policies:',
      `  - !KeyOf policy-${n}`,
    ]),
  (n) =>
    entry('authentik_stages_password.passwordstage', `password-stage-${n}`, [`name: bench-password-stage-${n}`], [
      'backends:',
      '  - authentik.core.auth.InbuiltBackend',
      '  - authentik.core.auth.TokenBackend',
      'configure_flow: !Find [authentik_flows.flow, [slug, default-password-change]]',
      'failed_attempts_before_cancel: 5',
    ]),
  (n) =>
    entry('authentik_stages_identification.identificationstage', `identification-stage-${n}`, [`name: bench-identification-stage-${n}`], [
      'user_fields:',
      '  - email',
      '  - username',
      `password_stage: !KeyOf password-stage-${n}`,
    ]),
  (n) => entry(EMAIL_STAGE_MODEL, `email-stage-${n}`, [`name: bench-email-stage-${n}`], emailStageFields(n).split('\n')),
  (n) =>
    entry('authentik_stages_user_login.userloginstage', `login-stage-${n}`, [`name: bench-login-stage-${n}`], ['session_duration: seconds=0'], {
      state: 'created',
      conditions: ['!Context bench_enabled'],
    }),
  (n) => stageBinding(n, 'identification-stage', 10),
  (n) => stageBinding(n, 'prompt-stage', 20),
  (n) => stageBinding(n, 'email-stage', 30),
  // The login stage's binding shares its conditions: when they are false, both are skipped.
  (n) => stageBinding(n, 'login-stage', 100, ['!Context bench_enabled']),
  (n) =>
    entry('authentik_policies.policybinding', `policy-binding-${n}`, [`policy: !KeyOf policy-${n}`, `target: !KeyOf binding-${n}-10`, 'order: 0'], [
      'negate: false',
      'enabled: true',
      'timeout: 30',
    ]),
];

/** Where the email stage sits in its group. */
const EMAIL_SHAPE = 6;

function stageBinding(n: number, stage: string, order: number, conditions?: readonly string[]): string {
  return entry('authentik_flows.flowstagebinding', `binding-${n}-${order}`, [`target: !KeyOf flow-${n}`, `stage: !KeyOf ${stage}-${n}`, `order: ${order}`], [
    'evaluate_on_plan: true',
    're_evaluate_policies: false',
    'policy_engine_mode: any',
    'invalid_response_action: retry',
  ], { state: 'present', conditions });
}

function entry(
  model: string,
  id: string,
  identifiers: readonly string[],
  attrs: readonly string[],
  extra: { state?: string; conditions?: readonly string[] } = {},
): string {
  const lines = [`  - identifiers:`, ...identifiers.map((l) => FIELD + l), `${ENTRY}id: ${id}`, `${ENTRY}model: ${model}`];
  if (extra.state) lines.push(`${ENTRY}state: ${extra.state}`);
  if (extra.conditions) lines.push(`${ENTRY}conditions:`, ...extra.conditions.map((c) => `${ENTRY}  - ${c}`));
  lines.push(`${ENTRY}attrs:`, ...attrs.map((l) => FIELD + l));
  return lines.join('\n') + '\n';
}

export interface BlueprintFile extends BenchFile {
  unit: 'entries';
  /** The `id` of the email stage entry the benchmark edits and queries. */
  probeId: string;
}

/** A blueprint of `entries` entries (at least one group's email stage: 7). */
export function blueprintFile(entries: number): BlueprintFile {
  if (!Number.isInteger(entries) || entries <= EMAIL_SHAPE) {
    throw new Error(`blueprintFile: bad entry count ${entries} (at least ${EMAIL_SHAPE + 1}, so that there is an email stage to edit)`);
  }
  // The middle one of the groups whose email stage is in the file.
  const emailGroups = Math.floor((entries - 1 - EMAIL_SHAPE) / SHAPES.length) + 1;
  const probeGroup = Math.floor(emailGroups / 2);
  const head = [
    'version: 1',
    'metadata:',
    `  name: Benchmark - ${entries.toLocaleString('en-US')} entries`,
    '  labels:',
    '    blueprints.goauthentik.io/instantiate: "false"',
    'context:',
    '  bench_enabled: true',
    'entries:',
    '',
  ].join('\n');
  const parts = [head];
  let offset = head.length;
  let probeStart = -1;
  for (let i = 0; i < entries; i++) {
    const group = Math.floor(i / SHAPES.length);
    const shape = i % SHAPES.length;
    const part = SHAPES[shape]!(group + 1);
    if (group === probeGroup && shape === EMAIL_SHAPE) probeStart = offset + part.indexOf(`${ENTRY}attrs:\n`) + `${ENTRY}attrs:\n`.length;
    parts.push(part);
    offset += part.length;
  }
  return {
    size: entries,
    unit: 'entries',
    ...textWithCounts(parts.join('')),
    probeStart,
    probeIndent: FIELD,
    probeId: `email-stage-${probeGroup + 1}`,
    validPort: '587',
    invalidPort: '"not-a-port"',
  };
}
