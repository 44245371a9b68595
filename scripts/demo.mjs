#!/usr/bin/env node
// Shows the product working on a fresh clone: validates the examples with the command line, drives
// the language server over LSP as VS Code would (diagnostics, completion, hover, a quick fix),
// syncs stages with a local sandbox authentik (list, pull, diff, push, a conflict), and packages
// the extension.
import { build, ensureDependencies, step } from './lib/steps.mjs';

ensureDependencies();
build();
step('Validating examples/ with the command line: authentik-stages validate examples/*', process.execPath, ['dist/cli.js', 'validate', 'examples/*'], { allowFailure: true });
step('Validating blueprints (recognised by content, checked as authentik\'s importer applies them): authentik-stages validate examples/blueprints/*', process.execPath, ['dist/cli.js', 'validate', 'examples/blueprints/*'], { allowFailure: true });
step('Talking to the language server over LSP, as the editor does', process.execPath, ['dist/tools/demo-lsp.js']);
step('Pulling, editing, diffing and pushing stages on a local sandbox authentik with the command line; references as !Find; promotion to a second sandbox', process.execPath, ['dist/tools/demo-sync.js']);
step('Packaging the extension (npm run package)', 'npm', ['run', '--silent', 'package']);
console.log('\n✔ The .vsix is dist/authentik-stages.vsix (code --install-extension dist/authentik-stages.vsix).');
// Last, the extension itself: a sandbox authentik and a real VS Code in the browser, until Ctrl+C.
step('Starting a sandbox authentik and VS Code (code-server) with the extension, connected (npm run demo:vscode)', 'npm', ['run', '--silent', 'demo:vscode']);
