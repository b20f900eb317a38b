import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface EmbeddedSecrets { sessionSecret: string; adminPassword: string; demo: { inspector: string; owner: string; approver: string } }

export const randomPassword = (prefix: string) => `${prefix}-${crypto.randomBytes(12).toString('base64url')}`;

/** Embedded mode only: secrets generated on first start and kept (mode 0600) in DATA_DIR. */
export function loadOrCreateSecrets(dataDir: string): EmbeddedSecrets {
  const file = path.join(dataDir, 'secrets.json');
  fs.mkdirSync(dataDir, { recursive: true });
  try {
    const s = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (typeof s.sessionSecret === 'string' && typeof s.adminPassword === 'string') {
      // written by an earlier version: the demo accounts' passwords are added once
      if (!s.demo) {
        s.demo = { inspector: randomPassword('Insp3ctor'), owner: randomPassword('0wner'), approver: randomPassword('Appr0ver') };
        fs.writeFileSync(file, JSON.stringify(s, null, 2), { mode: 0o600 });
      }
      return s;
    }
  } catch { /* first start */ }
  const secrets: EmbeddedSecrets = {
    sessionSecret: crypto.randomBytes(48).toString('base64url'),
    // letters and digits guaranteed by the prefix, so it always meets the password policy
    adminPassword: randomPassword('Adm1n'),
    demo: { inspector: randomPassword('Insp3ctor'), owner: randomPassword('0wner'), approver: randomPassword('Appr0ver') },
  };
  fs.writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
