/**
 * The copy-paste examples in docs/ must work as pasted: every YAML block parses, and the nginx site passes
 * `nginx -t` (when nginx is installed: Debian's `nginx-light`).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

const docs = readdirSync('docs')
  .filter((f) => f.endsWith('.md'))
  .map((f) => ({ file: `docs/${f}`, text: readFileSync(`docs/${f}`, 'utf8') }));
const blocks = (lang: string) =>
  docs.flatMap(({ file, text }) =>
    [...text.matchAll(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``, 'g'))].map((m) => ({
      file,
      code: m[1] ?? '',
    })),
  );
const nginx = spawnSync('nginx', ['-v']).status === 0;

describe('examples in docs/', () => {
  it('has YAML blocks that parse', () => {
    const yaml = blocks('yaml');
    expect(yaml.length).toBeGreaterThan(1);
    for (const { file, code } of yaml) {
      for (const doc of parseAllDocuments(code)) expect(doc.errors, file).toEqual([]);
    }
  });

  it.skipIf(!nginx)('has an nginx site that nginx -t accepts', () => {
    const [site] = blocks('nginx');
    expect(site).toBeDefined();
    const dir = mkdtempSync(join(tmpdir(), 'secsol-nginx-'));
    try {
      const cert = spawnSync('openssl', [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=secsol.example.com',
        '-keyout',
        join(dir, 'privkey.pem'),
        '-out',
        join(dir, 'fullchain.pem'),
      ]);
      expect(cert.status).toBe(0);
      const conf = join(dir, 'nginx.conf');
      const body = (site?.code ?? '').replaceAll('/etc/ssl/secsol/', `${dir}/`);
      writeFileSync(
        conf,
        `pid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\nevents {}\nhttp {\n${body}\n}\n`,
      );
      const check = spawnSync('nginx', ['-t', '-c', conf], { encoding: 'utf8' });
      expect(check.stderr).toMatch(/test is successful/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
