/**
 * authentik's own blueprints (../shared/corpus), as they are, tags and all, through the engine:
 * no error except where authentik 2026.8 would also refuse the blueprint, each listed here with
 * the server's reason. Several files come from other authentik versions (see the corpus's
 * SOURCES.md): what they name no longer exists, or does not exist yet.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SchemaCatalog, validateText } from '@authentik-stages/engine';
import { corpusDir, schemaDir } from './support/paths';

const catalog = SchemaCatalog.fromDirectory(schemaDir);

interface Exception {
  /** Where, as `line:column`. */
  at: string;
  message: RegExp;
  /** Why authentik 2026.8 refuses it too. */
  reason: string;
}

const NO_SUCH_MODEL = 'authentik 2026.8 has no such model: the importer stops with "App or Model does not exist"';
const NOT_A_DURATION = 'EmailStage.token_expiry is a duration text since 2023.x (timedelta_string_validator): "30" raises "… is not in the correct format"';

const EXCEPTIONS: Readonly<Record<string, readonly Exception[]>> = {
  'default__flow-default-account-selection-flow.yaml': [
    { at: '6:18', message: /designation: "account_selection" is not a valid choice/, reason: 'FlowDesignation of 2026.8 has no account_selection: the flow serializer refuses it' },
    { at: '17:10', message: /authentik_stages_account_selection\.accountselectionstage/, reason: NO_SUCH_MODEL },
    { at: '21:10', message: /authentik_stages_account_selection\.accountswitchstage/, reason: NO_SUCH_MODEL },
  ],
  'default__flow-default-authenticator-mobile-setup.yaml': [{ at: '20:10', message: /authenticatormobilestage/, reason: NO_SUCH_MODEL }],
  'default__flow-default-authenticator-webauthn-setup.yaml': [
    { at: '19:10', message: /authenticatewebauthnstage.*Did you mean authentik_stages_authenticator_webauthn\.authenticatorwebauthnstage/, reason: `${NO_SUCH_MODEL} (the stage was renamed AuthenticatorWebAuthnStage)` },
  ],
  'default__flow-default-user-selection-flow.yaml': [
    { at: '6:18', message: /designation: "user_selection" is not a valid choice/, reason: 'FlowDesignation of 2026.8 has no user_selection' },
    { at: '17:10', message: /authentik_stages_user_selection\.userselectionstage/, reason: NO_SUCH_MODEL },
  ],
  'example__flows-enrollment-email-verification.yaml': [{ at: '89:21', message: /token_expiry: "30" is not in the correct format/, reason: NOT_A_DURATION }],
  'example__flows-recovery-email-verification.yaml': [{ at: '60:21', message: /token_expiry: "30" is not in the correct format/, reason: NOT_A_DURATION }],
  'example__flows-login-conditional-captcha.yaml': [{ at: '23:12', message: /authentik_crypto_secrets\.secret/, reason: `${NO_SUCH_MODEL} (a !Find on it fails with LookupError)` }],
  'example__flows-recovery-email-mfa-verification.yaml': [{ at: '48:12', message: /authentik_policies_conditional\.conditionalpolicy/, reason: NO_SUCH_MODEL }],
  'scribe__scribe-recovery-flow.yaml': [
    // Not the server's refusal but YAML's: PyYAML reads a double-quoted scalar whose continuation
    // lines sit at its key's indentation; YAML 1.2 (and the `yaml` parser) require them deeper.
    { at: '61:85', message: /Missing closing "quote/, reason: 'YAML 1.2 refuses the under-indented continuation lines that PyYAML tolerates (known difference, see the README)' },
    { at: '62:7', message: /Implicit map keys need to be followed by map values/, reason: 'follows from the line above' },
    { at: '63:7', message: /Implicit map keys need to be followed by map values/, reason: 'follows from the line above' },
    { at: '64:7', message: /Implicit map keys need to be followed by map values/, reason: 'follows from the line above' },
    { at: '85:21', message: /token_expiry: "30" is not in the correct format/, reason: NOT_A_DURATION },
  ],
};

describe('authentik blueprint corpus, unchanged', () => {
  const files = readdirSync(corpusDir()).filter((n) => n.endsWith('.yaml'));
  it('holds the 35 blueprints it should', () => assert.equal(files.length, 35));
  for (const name of files) {
    it(`${name}: errors only where authentik 2026.8 refuses it too`, () => {
      const problems = validateText(catalog, name, readFileSync(join(corpusDir(), name), 'utf8'));
      const errors = problems.filter((p) => p.severity === 'error').map((p) => ({ at: `${p.line}:${p.column}`, message: p.message }));
      const expected = EXCEPTIONS[name] ?? [];
      assert.equal(errors.length, expected.length, `errors:\n${errors.map((e) => `${e.at} ${e.message}`).join('\n')}`);
      expected.forEach((exception, i) => {
        assert.equal(errors[i]!.at, exception.at, exception.reason);
        assert.match(errors[i]!.message, exception.message, exception.reason);
      });
    });
  }

  it('deletes prompts in the migration blueprint without a word (absent entries ignore their attrs)', () => {
    const problems = validateText(catalog, 'm.yaml', readFileSync(join(corpusDir(), 'migrations__migrate-prompt-name.yaml'), 'utf8'));
    assert.deepEqual(problems, []);
  });
});
