import type { Plugin } from 'esbuild';

/** Why importing `target` from `importer` (repo-relative module paths, no extension) breaks the import rule, or undefined. */
export function layeringViolation(importer: string, target: string): string | undefined;
/** The esbuild plugin that fails a build on an import that breaks the rule. */
export function layeringPlugin(root: string): Plugin;
