import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../support/harness.js';

describe('/asset-audit end to end', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.stop();
  });

  it('answers 12345 with admins, assigned people and smart groups by name', async () => {
    const { status, responseUrl } = await h.command('12345');
    expect(status).toBe(200);
    const [reply] = await h.slack.waitForResponses(responseUrl);
    const json = JSON.stringify(reply?.body);
    console.log(JSON.stringify(reply?.body, null, 1));
    expect(reply?.body.response_type).toBe('ephemeral');
    expect(json).toContain('Ada Lovelace (9170357)');
  });
});
