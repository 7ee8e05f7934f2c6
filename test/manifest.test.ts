import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const schema = JSON.parse(
  readFileSync(new URL('./fixtures/manifest.schema.1.0.0.json', import.meta.url), 'utf8'),
);
const manifest = parse(readFileSync(new URL('../manifest.yml', import.meta.url), 'utf8'));

// Slack's schema uses keywords of its own (regex, requires, _note): non-strict mode ignores them.
const validate = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(schema);

describe('manifest.yml', () => {
  it('validates against Slack manifest schema 1.0.0', () => {
    const valid = validate(manifest);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('a broken manifest is refused, so the check is real', () => {
    const broken = structuredClone(manifest);
    broken.features.shortcuts[0].name = 'A shortcut name far longer than Slack allows';
    expect(validate(broken)).toBe(false);
  });

  it('declares the command, the shortcut, interactivity, Socket Mode and the scopes', () => {
    expect(manifest._metadata.major_version).toBe(1);
    const command = manifest.features.slash_commands.find(
      (c: { command: string }) => c.command === '/asset-audit',
    );
    expect(command.usage_hint).toBeTruthy();
    expect(manifest.features.shortcuts).toContainEqual(
      expect.objectContaining({ type: 'message', callback_id: 'am_i_assigned', name: 'Am I assigned?' }),
    );
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(true);
    expect(manifest.oauth_config.scopes.bot).toEqual(
      expect.arrayContaining([
        'commands',
        'chat:write',
        'users:read',
        'users:read.email',
        'usergroups:read',
        'chat:write.public',
        'channels:join',
        'channels:read',
        'groups:read',
        'im:write',
      ]),
    );
  });
});
