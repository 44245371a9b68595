/**
 * The connected server's objects for the references of open stage files and blueprints, handed to the language
 * server (completion by name, hover, inlay hints, the checks that need the server's data). The
 * keeping is `ReferenceIndexKeeper`'s; this wires it to VS Code: documents opened and saved (never
 * a keystroke), the connection, the Stages view's refresh and pushes.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { parseBlueprint, parseStageDocument, splitDocuments, type ObjectIndex } from '@authentik-stages/engine';
import { SetObjectIndexNotification } from '@authentik-stages/protocol';
import { blueprintIndexNeeds } from '../sync/blueprintIndexNeeds';
import { buildObjectIndex, referencedModels, usesEmailTemplates } from '../sync/objectIndex';
import { ReferenceIndexKeeper } from '../ui/referenceIndexKeeper';
import type { ConnectionManager } from './connection';
import { documentLanguage, isStageDocument } from './workspace';

export class ReferenceIndexService implements vscode.Disposable {
  private readonly keeper: ReferenceIndexKeeper;
  private readonly subscriptions: vscode.Disposable[] = [];
  private latest: ObjectIndex | null = null;
  private server: string | undefined;

  constructor(
    private readonly connection: ConnectionManager,
    private readonly languageClient: () => LanguageClient | undefined,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.keeper = new ReferenceIndexKeeper({
      fetch: (models, options) => {
        const connected = this.connection.connected();
        if (!connected) return Promise.reject(new Error('not connected'));
        return buildObjectIndex(connected.client, models, { emailTemplates: options.emailTemplates, listings: options.listings });
      },
      publish: (index) => this.publish(index),
      onError: (models, error) => this.log.warn(`The server's objects of ${models.join(', ') || 'email templates'} could not be read for references: ${(error as Error).message}`),
    });
    this.subscriptions.push(
      connection.onDidChange((state) => {
        const server = state.kind === 'connected' ? state.server.url : undefined;
        if (server === this.server && server !== undefined) return;
        this.server = server;
        this.keeper.clear();
        if (server) this.scanOpenDocuments();
      }),
      vscode.workspace.onDidOpenTextDocument((document) => this.scan(document)),
      vscode.workspace.onDidSaveTextDocument((document) => this.scan(document)),
    );
  }

  /** The server's objects may have changed (a refresh, a push): read every wanted model again. */
  refresh(): void {
    if (this.connection.connected()) this.keeper.refresh();
  }

  /** The language server (re)started: it has no index until told. */
  resend(): void {
    void this.languageClient()?.sendNotification(SetObjectIndexNotification, this.latest).catch(() => undefined);
  }

  private scanOpenDocuments(): void {
    for (const document of vscode.workspace.textDocuments) this.scan(document);
  }

  private scan(document: vscode.TextDocument): void {
    if (!this.connection.connected()) return;
    // Any YAML document may be a blueprint (the language server decides by content, as here).
    const blueprint = document.languageId === 'yaml' || isStageDocument(document) ? parseBlueprint(document.getText()) : undefined;
    if (blueprint) {
      const needs = blueprintIndexNeeds([blueprint], this.connection.catalog());
      this.keeper.want(needs.models, { listings: needs.listings });
      return;
    }
    if (!isStageDocument(document)) return;
    const language = documentLanguage(document);
    const values = splitDocuments(document.getText(), language).map((chunk) => parseStageDocument(chunk.text, language).value);
    this.keeper.want(referencedModels(values), { emailTemplates: usesEmailTemplates(values) });
  }

  private publish(index: ObjectIndex | null): void {
    this.latest = index;
    this.resend();
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}
