/** An edit re-parses and re-validates only the documents it touched. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { SchemaCatalog } from '../server/engine/schema/catalog';
import { StageFileAnalyzer } from '../server/engine/service/stageFile';
import { schemaDir } from './support/paths';

function stage(i: number, port = 25): string {
  return `model: authentik_stages_email.emailstage\nname: stage-${i}\nport: ${port}\n`;
}

it('keeps the analysis of untouched documents, wherever they moved', () => {
  const analyzer = new StageFileAnalyzer(SchemaCatalog.fromDirectory(schemaDir));
  const docs = Array.from({ length: 50 }, (_, i) => stage(i));
  const before = analyzer.analyze('file', docs.join('---\n'), 'yaml');
  assert.equal(before.documents.length, 50);
  assert.deepEqual(before.diagnostics(), []);

  // Edit document 10 so that it grows by a line: everything after it moves.
  docs[10] = `${stage(10, 99)}host: smtp\nnmae: typo\n`;
  const after = analyzer.analyze('file', docs.join('---\n'), 'yaml');
  let reused = 0;
  for (let i = 0; i < 50; i++) {
    if (after.documents[i]!.doc === before.documents[i]!.doc) reused++;
  }
  assert.equal(reused, 49, 'every document but the edited one is the same parsed object');
  assert.notEqual(after.documents[10]!.doc, before.documents[10]!.doc);
  assert.ok(after.documents[11]!.offset > before.documents[11]!.offset, 'later documents moved');
  const diagnostics = after.diagnostics();
  assert.equal(diagnostics.length, 1);
  assert.equal(after.text.slice(diagnostics[0]!.start, diagnostics[0]!.end), 'nmae', 'ranges are absolute in the file');

  // A new catalog invalidates everything.
  analyzer.setCatalog(SchemaCatalog.fromDirectory(schemaDir));
  const fresh = analyzer.analyze('file', after.text, 'yaml');
  assert.notEqual(fresh.documents[0]!.doc, after.documents[0]!.doc);
});
