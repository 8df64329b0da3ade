/**
 * A throwaway certificate authority and a server certificate for 127.0.0.1 and localhost, made fresh for
 * each run with the `openssl` command line (`node:crypto` makes keys but cannot sign X.509 certificates).
 *
 * The Azure SDKs refuse to send a bearer token over plain HTTP, so the local fakes of Microsoft Entra and
 * Azure Resource Manager serve HTTPS with this certificate. The process that talks to them trusts the CA
 * through `NODE_EXTRA_CA_CERTS=<caFile>`, which Node reads only when a process starts: the app under test
 * therefore runs as a child process with it in its environment (see `azureEnv`), exactly as an operator
 * would give a private CA to a production process.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestTls {
  /** The CA certificate file (PEM): what NODE_EXTRA_CA_CERTS points at. */
  caFile: string;
  /** The server's key and certificate (PEM), for `https.createServer`. */
  key: string;
  cert: string;
  /** Deletes the directory holding the files. */
  remove(): void;
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(
      `openssl ${args[0]} failed (the Azure fakes need the openssl command on PATH): ${(err as Error).message}\n${stderr}`,
    );
  }
}

export function makeTestTls(dir = mkdtempSync(join(tmpdir(), 'secsol-azure-tls-'))): TestTls {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    [
      'req',
      '-x509',
      ...ec,
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '2',
      '-subj',
      '/CN=secsol throwaway test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  openssl(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost'], dir);
  writeFileSync(
    join(dir, 'server.ext'),
    [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ].join('\n'),
  );
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      'server.ext',
      '-out',
      'server.pem',
    ],
    dir,
  );
  return {
    caFile: join(dir, 'ca.pem'),
    key: readFileSync(join(dir, 'server.key'), 'utf8'),
    cert: readFileSync(join(dir, 'server.pem'), 'utf8'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
