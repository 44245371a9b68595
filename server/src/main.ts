/** Entry point of the bundled language server (`dist/server.js`): stdio or IPC, as the client asks. */
import { join } from 'node:path';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { SchemaCatalog } from '@authentik-stages/engine';
import { startServer } from './server';

// The committed catalog sits beside the bundle's folder (`dist/../schemas`), in the repo and the .vsix.
const schemaDirectory = process.env['AUTHENTIK_STAGES_SCHEMAS'] ?? join(__dirname, '..', 'schemas');

const connection = createConnection(ProposedFeatures.all);
process.on('uncaughtException', (error) => connection.console.error(`Uncaught: ${error.stack ?? error.message}`));
process.on('unhandledRejection', (reason) => connection.console.error(`Unhandled rejection: ${String(reason)}`));
startServer(connection, { loadDefaultCatalog: () => SchemaCatalog.fromDirectory(schemaDirectory) });
