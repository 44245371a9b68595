/** What a promise rejected with; fails the test when it resolves. */
import assert from 'node:assert/strict';

export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected the call to fail');
}
