#!/usr/bin/env node
// Shows the product working on a fresh clone: validates the examples with the command line, drives
// the language server over LSP as VS Code would (diagnostics, completion, hover, a quick fix),
// syncs stages with a local sandbox authentik (list, pull, diff, push, a conflict), and packages
// the extension.
import { build, ensureDependencies, step } from './lib/steps.mjs';

ensureDependencies();
build();
step('Validating examples/ with the command line: authentik-stages validate examples/*', process.execPath, ['dist/cli.js', 'validate', 'examples/*'], { allowFailure: true });
step('Talking to the language server over LSP, as the editor does', process.execPath, ['dist/tools/demo-lsp.js']);
step('Pulling, editing, diffing and pushing stages on a local sandbox authentik with the command line', process.execPath, ['dist/tools/demo-sync.js']);
step('Packaging the extension (npm run package)', 'npm', ['run', '--silent', 'package']);
console.log('\n✔ Install it in VS Code with: code --install-extension dist/authentik-stages.vsix, then open examples/.');
