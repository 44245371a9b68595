/**
 * Checks the authentik server makes beyond its OpenAPI document: `validate()` methods and model
 * constraints of individual stage serializers (see docs/server-rules.md). Keyed by the OpenAPI
 * type name, so they apply to every version that has the type.
 */
import { closestMatch } from '../util/closest';
import type { DiagnosticCode, Severity } from './diagnostics';

export interface RuleFinding {
  /** The field to point at (its value); none means the document's `model` key. */
  field?: string;
  severity: Severity;
  code: DiagnosticCode;
  message: string;
}

/** Field values after DRF's conversions; `UNKNOWN` stands for a value only known at push time (`!Env`). */
export const UNKNOWN: unique symbol = Symbol('value known at push time');
export type RuleValues = Record<string, unknown>;

/** authentik's built-in email templates (`email/…`); a server may add its own. */
export const BUILTIN_EMAIL_TEMPLATES: readonly string[] = [
  'email/password_reset.html',
  'email/account_confirmation.html',
  'email/email_otp.html',
  'email/event_notification.html',
  'email/invitation.html',
];

/** `ArrayField`s without `blank=True`: the OpenAPI document does not say `[]` is refused. */
const NON_EMPTY_LISTS: Readonly<Record<string, readonly string[]>> = {
  PasswordStage: ['backends'],
  AuthenticatorValidateStage: ['device_classes'],
  PromptStage: ['fields'],
};

/** What the connected server says beyond its schema. */
export interface ServerFacts {
  /** Every email template the server offers (built-ins and custom), when known. */
  readonly emailTemplates?: readonly string[];
  /** The server's address, for messages. */
  readonly server?: string;
}

type Rule = (values: RuleValues, facts: ServerFacts) => RuleFinding[];

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

const RULES: Readonly<Record<string, readonly Rule[]>> = {
  IdentificationStage: [
    (v) =>
      isEmpty(v['user_fields']) && isEmpty(v['sources'])
        ? [
            {
              ...('user_fields' in v ? { field: 'user_fields' } : 'sources' in v ? { field: 'sources' } : {}),
              severity: 'error',
              code: 'rule',
              message: 'When no user fields are selected, at least one source must be selected (set user_fields, e.g. [username, email], or sources).',
            },
          ]
        : [],
  ],
  RedirectStage: [
    (v) => {
      if (v['mode'] === 'static' && isEmpty(v['target_static'])) {
        return [{ field: 'mode', severity: 'error', code: 'rule', message: 'mode: Target URL should be present when mode is Static (set target_static).' }];
      }
      if (v['mode'] === 'flow' && isEmpty(v['target_flow'])) {
        return [{ field: 'mode', severity: 'error', code: 'rule', message: 'mode: Target Flow should be present when mode is Flow (set target_flow).' }];
      }
      return [];
    },
  ],
  AuthenticatorValidateStage: [
    (v) =>
      v['not_configured_action'] === 'configure' && isEmpty(v['configuration_stages'])
        ? [
            {
              field: 'not_configured_action',
              severity: 'error',
              code: 'rule',
              message: 'not_configured_action: When "Not configured action" is set to "Configure", you must set a configuration stage (configuration_stages).',
            },
          ]
        : [],
  ],
  EmailStage: [
    (v, facts) => {
      const template = v['template'];
      if (typeof template !== 'string') return [];
      if (facts.emailTemplates) {
        if (facts.emailTemplates.includes(template)) return [];
        const suggestion = closestMatch(template, facts.emailTemplates);
        return [
          {
            field: 'template',
            severity: 'error',
            code: 'template',
            message: `template: Invalid template '${template}' specified. ${facts.server ?? 'The server'} offers ${facts.emailTemplates.join(', ')}.${suggestion ? ` Did you mean ${suggestion}?` : ''}`,
          },
        ];
      }
      if (BUILTIN_EMAIL_TEMPLATES.includes(template)) return [];
      return [
        {
          field: 'template',
          severity: 'warning',
          code: 'template',
          message: `template: "${template}" is not one of authentik's built-in templates (${BUILTIN_EMAIL_TEMPLATES.join(', ')}). The server accepts it only if its email template directory holds that file; otherwise: Invalid template '${template}' specified.`,
        },
      ];
    },
  ],
};

export function checkServerRules(typeName: string, values: RuleValues, facts: ServerFacts = {}): RuleFinding[] {
  const findings: RuleFinding[] = [];
  for (const field of NON_EMPTY_LISTS[typeName] ?? []) {
    const value = values[field];
    if (Array.isArray(value) && value.length === 0) findings.push({ field, severity: 'error', code: 'items', message: `${field}: This list may not be empty.` });
  }
  for (const rule of RULES[typeName] ?? []) findings.push(...rule(values, facts));
  return findings;
}

/** Values worth offering for a field although its schema is free text. */
export function suggestedValues(typeName: string, field: string, emailTemplates?: readonly string[]): readonly string[] {
  if (field === 'template' && (typeName === 'EmailStage' || typeName === 'AuthenticatorEmailStage')) return emailTemplates ?? BUILTIN_EMAIL_TEMPLATES;
  return [];
}
