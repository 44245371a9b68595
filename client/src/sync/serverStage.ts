/**
 * What a server says about a stage, checked before it names a file, a base or a URL: authentik
 * sends every stage and prompt as a mapping with a UUID pk and a string name. Anything else is
 * the server's fault, reported with the server, the endpoint and the field.
 */
import { AuthentikError } from '../api/errors';
import type { StageObject } from '../api/types';
import { isPlainObject } from '@authentik-stages/engine';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** Where a stage came from, for messages. */
export interface StageSource {
  /** The server's URL. */
  server: string;
  /** The endpoint, e.g. `/stages/deny/`. */
  endpoint: string;
}

/** A server sent what authentik never sends. */
export class ServerDataError extends AuthentikError {
  override readonly name = 'ServerDataError';
}

/** A value from a server, shown safely and briefly in a message. */
export function showServerValue(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  // JSON escapes C0 controls; the C1 ones and other invisible breaks are escaped here too.
  text = text.replace(/[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * The stage as the server sent it, if it is one: a mapping, pk a UUID (the one asked for, when
 * one was), name a string. `consequence` ends the message: what was (not) done because of it.
 */
export function checkedStage(value: unknown, source: StageSource, consequence: string, expectedPk?: string): StageObject {
  const where = `for a stage of ${source.endpoint}`;
  const fail = (what: string): never => {
    throw new ServerDataError(`the server ${source.server} sent ${what}; ${consequence}.`, { server: source.server });
  };
  if (!isPlainObject(value)) return fail(`${showServerValue(value)} ${where}: not an object`);
  const pk = value['pk'];
  if (!isUuid(pk)) return fail(`pk ${showServerValue(pk)} ${where}: not a UUID`);
  if (expectedPk !== undefined && pk.toLowerCase() !== expectedPk.toLowerCase()) return fail(`pk ${showServerValue(pk)} ${where} when asked for ${expectedPk}`);
  if (typeof value['name'] !== 'string') return fail(`name ${showServerValue(value['name'])} for the stage ${pk} of ${source.endpoint}: not a string`);
  return value as StageObject;
}
