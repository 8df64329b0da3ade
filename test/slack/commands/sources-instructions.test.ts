/** The "Add data sources" catalogue and the instructions an Add button shows (pure). */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/config.js';
import { DATA_SOURCES, enrollCommand } from '../../../src/domain/data-sources.js';
import { dataSourceInstructions, sourcesMessage } from '../../../src/slack/blocks/sources-blocks.js';
import { validateMessageBlocks } from '../../harness/fake-slack.js';

describe('data sources', () => {
  it('has the push API, Defender for Cloud and script-based sources, with unique keys', () => {
    const keys = DATA_SOURCES.map((s) => s.key);
    expect(keys).toEqual(
      expect.arrayContaining([
        'push-api',
        'defender-for-cloud',
        'syslog-cef-forwarder',
        'on-prem-machines',
        'other-clouds',
      ]),
    );
    expect(new Set(keys).size).toBe(keys.length);
    for (const k of keys) expect(k).toMatch(/^[a-z0-9-]{1,40}$/);
  });

  it('gives a ready-to-run enrollment command that expands the key from the environment', () => {
    const source = DATA_SOURCES.find((s) => s.key === 'on-prem-machines');
    if (!source) throw new Error('missing');
    const cmd = enrollCommand(source, 'https://secsol.example.com/');
    expect(cmd).toContain('curl -X POST https://secsol.example.com/api/v1/enroll');
    expect(cmd).toContain('-H "Authorization: Bearer $SECSOL_ENROLLMENT_KEY"');
    expect(cmd).toContain("-H 'content-type: application/json'");
    const body = /-d '(.*)'$/.exec(cmd)?.[1];
    expect(JSON.parse(body ?? '')).toEqual({ name: 'On-prem EDR', vendor: 'Vendor', family: 'edr' });
  });

  it('renders valid instructions for every source, and null for an unknown key', () => {
    for (const s of DATA_SOURCES) {
      const message = dataSourceInstructions(s.key, 'http://localhost:3000');
      expect(message).not.toBeNull();
      expect(validateMessageBlocks(message?.blocks)).toEqual([]);
      const json = JSON.stringify(message);
      expect(json).toContain('/api/v1/enroll');
      expect(json).not.toMatch(/<(?!!date|#|@|https?:)/);
    }
    expect(dataSourceInstructions('nope', 'http://localhost:3000')).toBeNull();
    expect(validateMessageBlocks(sourcesMessage().blocks)).toEqual([]);
  });

  it('takes the base URL from SECSOL_PUBLIC_URL, defaulting to localhost and the port', () => {
    expect(loadConfig({ PORT: '4100' }).publicUrl).toBe('http://localhost:4100');
    expect(loadConfig({ SECSOL_PUBLIC_URL: 'https://secsol.example.com/' }).publicUrl).toBe(
      'https://secsol.example.com',
    );
    expect(() => loadConfig({ SECSOL_PUBLIC_URL: 'not a url' })).toThrow(/SECSOL_PUBLIC_URL/);
  });
});
