/*
 * A large, syntactically valid Nessus v2 report for the import benchmark:
 *   tsx test/bench/make-nessus.ts --mb 50 --out /tmp/x.nessus [--hosts 2000] [--seed 1]
 * Only loopback and reserved names appear in it (hosts 127.1.x.y and hostNNNN.example.org), so
 * nothing in it points at a real machine. Written in chunks that respect the stream's
 * backpressure, so memory stays flat whatever the size. Same seed, same file.
 */
import fs from 'node:fs';
import { once } from 'node:events';

export interface NessusOptions { mb: number; out: string; hosts?: number; seed?: number }
export interface NessusStats { hosts: number; items: number; bytes: number }

interface Plugin {
  id: number; name: string; family: string; severity: 0 | 1 | 2 | 3 | 4; port: number; svc: string; type: string;
  synopsis: string; description: string; solution: string; cve?: string[]; cvss3?: number; cvss3Vector?: string; weight: number;
  output(host: string, rnd: () => number): string;
}

const RISK = ['None', 'Low', 'Medium', 'High', 'Critical'] as const;
const cipherList = (rnd: () => number) => ['DES-CBC3-SHA', 'ECDHE-RSA-DES-CBC3-SHA', 'EDH-RSA-DES-CBC3-SHA', 'RC4-SHA', 'RC4-MD5'].filter(() => rnd() < 0.7).map((c) => `    ${c.padEnd(28)} Kx=RSA  Au=RSA  Enc=3DES-CBC(168)  Mac=SHA1`).join('\n');

/* A catalogue in the shape of Nessus plugins (texts written for this benchmark). */
const PLUGINS: Plugin[] = [
  { id: 19506, name: 'Nessus Scan Information', family: 'Settings', severity: 0, port: 0, svc: 'general', type: 'summary', weight: 1,
    synopsis: 'Information about the Nessus scan.', description: 'This plugin displays, for each tested host, information about the scan itself: the plugin set, the engine version, the port scanners used, the port range, and whether credentialed checks were possible.', solution: 'n/a',
    output: (h) => `Information about this scan : \n\nNessus version : 10.6.1\nPlugin feed version : 202311200000\nScanner IP : 127.0.0.1\nPort scanner(s) : nessus_syn_scanner \nPort range : default\nTarget : ${h}\nThorough tests : no\nCredentialed checks : no\nScan Start Date : 2023/11/20 9:14 +07\n` },
  { id: 11219, name: 'Nessus SYN scanner', family: 'Port scanners', severity: 0, port: 22, svc: 'ssh', type: 'remote', weight: 4,
    synopsis: 'It is possible to determine which TCP ports are open.', description: 'This plugin is a SYN \'half-open\' port scanner. It shall be reasonably quick even against a firewalled target.', solution: 'Protect your target with an IP filter.',
    output: (_h, r) => `Port ${[22, 80, 443, 3306, 8443][Math.floor(r() * 5)]}/tcp was found to be open` },
  { id: 10863, name: 'SSL Certificate Information', family: 'General', severity: 0, port: 443, svc: 'www', type: 'remote', weight: 3,
    synopsis: 'This plugin displays the SSL certificate.', description: 'This plugin connects to every SSL-related port and attempts to extract and dump the X.509 certificate.', solution: 'n/a',
    output: (h, r) => `Subject Name: \n\nCommon Name: ${h}\nOrganization: Example Agency & Co\n\nIssuer Name: \n\nCommon Name: Example Intermediate CA <test>\n\nSerial Number: ${Math.floor(r() * 1e12).toString(16).toUpperCase()}\nVersion: 3\nSignature Algorithm: SHA-256 With RSA Encryption\nNot Valid Before: Jan 02 00:00:00 2023 GMT\nNot Valid After: Jan 01 23:59:59 2025 GMT\nPublic Key Info: RSA 2048 bits\n` },
  { id: 51192, name: 'SSL Certificate Cannot Be Trusted', family: 'General', severity: 2, port: 443, svc: 'www', type: 'remote', weight: 2, cvss3: 6.5, cvss3Vector: 'CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:N',
    synopsis: 'The SSL certificate for this service cannot be trusted.', description: 'The server\'s X.509 certificate cannot be trusted: its chain does not end in a recognised certificate authority, or a certificate in the chain has expired, or a signature could not be verified. Such a certificate makes man-in-the-middle attacks against the remote host easier.', solution: 'Purchase or generate a proper SSL certificate for this service.',
    output: (h) => `The following certificate was at the top of the certificate chain sent by the remote host, but it is signed by an unknown certificate authority :\n\n|-Subject : CN=${h}\n|-Issuer  : CN=${h}\n` },
  { id: 104743, name: 'TLS Version 1.0 Protocol Detection', family: 'Service detection', severity: 2, port: 443, svc: 'www', type: 'remote', weight: 2, cvss3: 6.5, cvss3Vector: 'CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N',
    synopsis: 'The remote service encrypts traffic using an older version of TLS.', description: 'The remote service accepts connections encrypted using TLS 1.0, which has a number of cryptographic design flaws. Modern implementations mitigate them, but newer versions of TLS such as 1.2 and 1.3 are designed against these flaws and should be used whenever possible.', solution: 'Enable support for TLS 1.2 and 1.3, and disable support for TLS 1.0.',
    output: () => 'TLSv1 is enabled and the server supports at least one cipher.' },
  { id: 42873, name: 'SSL Medium Strength Cipher Suites Supported (SWEET32)', family: 'General', severity: 3, port: 443, svc: 'www', type: 'remote', weight: 2, cve: ['CVE-2016-2183'], cvss3: 7.5, cvss3Vector: 'CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N',
    synopsis: 'The remote service supports the use of medium strength SSL ciphers.', description: 'The remote host supports SSL ciphers that offer medium strength encryption: key lengths of at least 64 bits and less than 112 bits, or the 3DES suite. Medium strength encryption is considerably easier to circumvent if the attacker is on the same physical network.', solution: 'Reconfigure the affected application if possible to avoid use of medium strength ciphers.',
    output: (_h, r) => `\n  Medium Strength Ciphers (> 64-bit and < 112-bit key, or 3DES)\n\n    Name                          Code             KEX           Auth     Encryption             MAC\n${cipherList(r)}\n\nThe fields above are : {Tenable ciphername} {Cipher ID code} Kex={key exchange} Auth={authentication} Encrypt={symmetric encryption method} MAC={message authentication code}` },
  { id: 70658, name: 'SSH Server CBC Mode Ciphers Enabled', family: 'Misc.', severity: 1, port: 22, svc: 'ssh', type: 'remote', weight: 2, cve: ['CVE-2008-5161'], cvss3: 3.7, cvss3Vector: 'CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:N/A:N',
    synopsis: 'The SSH server is configured to use Cipher Block Chaining.', description: 'The SSH server is configured to support Cipher Block Chaining (CBC) encryption. This may allow an attacker to recover the plaintext message from the ciphertext.', solution: 'Contact the vendor or consult product documentation to disable CBC mode cipher encryption, and enable CTR or GCM cipher mode encryption.',
    output: () => '\nThe following client-to-server Cipher Block Chaining (CBC) algorithms\nare supported : \n\n  aes128-cbc\n  aes256-cbc\n  3des-cbc\n' },
  { id: 153953, name: 'SSH Weak Key Exchange Algorithms Enabled', family: 'Misc.', severity: 2, port: 22, svc: 'ssh', type: 'remote', weight: 1, cvss3: 5.3, cvss3Vector: 'CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N',
    synopsis: 'The remote SSH server is configured to allow weak key exchange algorithms.', description: 'The remote SSH server allows key exchange algorithms that are considered weak, such as diffie-hellman-group1-sha1 and diffie-hellman-group-exchange-sha1.', solution: 'Contact the vendor or consult product documentation to disable the weak algorithms.',
    output: () => '\nThe following weak key exchange algorithms are enabled : \n\n  diffie-hellman-group-exchange-sha1\n  diffie-hellman-group1-sha1\n' },
  { id: 10719, name: 'MySQL Server Detection', family: 'Service detection', severity: 0, port: 3306, svc: 'mysql', type: 'remote', weight: 1,
    synopsis: 'A database server is listening on the remote port.', description: 'The remote host is running MySQL, an open source database server.', solution: 'Limit incoming traffic to this port if desired.',
    output: (_h, r) => `\n  Version  : 5.7.${20 + Math.floor(r() * 20)}-log\n  Protocol : 10\n  Server Status : SERVER_STATUS_AUTOCOMMIT\n  Server Capabilities : \n    CLIENT_LONG_PASSWORD (new more secure passwords)\n    CLIENT_PROTOCOL_41 (new 4.1 protocol)\n` },
  { id: 97833, name: 'MS17-010: Security Update for Microsoft Windows SMB Server (ETERNALBLUE)', family: 'Windows', severity: 4, port: 445, svc: 'cifs', type: 'remote', weight: 1, cve: ['CVE-2017-0143', 'CVE-2017-0144', 'CVE-2017-0145', 'CVE-2017-0146', 'CVE-2017-0148'], cvss3: 8.1, cvss3Vector: 'CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H',
    synopsis: 'The remote Windows host is affected by multiple vulnerabilities.', description: 'The remote Windows host is affected by multiple remote code execution vulnerabilities in Microsoft Server Message Block 1.0 (SMBv1) due to improper handling of certain requests. An unauthenticated, remote attacker can exploit these with a specially crafted packet to execute arbitrary code.', solution: 'Apply the security update from Microsoft; disable SMBv1 where it is not needed.',
    output: () => '\nSent:\n00000000  00 00 00 4a ff 53 4d 42 25 00 00 00 00 18 01 28  ...J.SMB%......(\nReceived:\n00000000  00 00 00 23 ff 53 4d 42 25 05 02 00 c0 98 01 28  ...#.SMB%......(\n' },
  { id: 156327, name: 'Apache Log4j < 2.15.0 Remote Code Execution (Log4Shell)', family: 'Misc.', severity: 4, port: 8443, svc: 'www', type: 'remote', weight: 1, cve: ['CVE-2021-44228'], cvss3: 10.0, cvss3Vector: 'CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H',
    synopsis: 'A web server on the remote host uses a vulnerable logging library.', description: 'The version of Apache Log4j on the remote host is 2.x < 2.15.0. A JNDI lookup in a logged string lets an unauthenticated attacker load and run code from a server of their choice.', solution: 'Upgrade to Apache Log4j version 2.17.1 or later.',
    output: (h) => `\nNessus was able to exploit the issue using the following request :\n\nGET / HTTP/1.1\nHost: ${h}:8443\nUser-Agent: \${jndi:ldap://127.0.0.1:1389/nessus}\n` },
  { id: 34460, name: 'Unsupported Web Server Detection', family: 'Web Servers', severity: 3, port: 80, svc: 'www', type: 'remote', weight: 1, cvss3: 7.3, cvss3Vector: 'CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:L',
    synopsis: 'The remote web server is obsolete / unsupported.', description: 'According to its version, the remote web server is obsolete and no longer maintained by its vendor. Lack of support implies that no new security patches for the product will be released.', solution: 'Remove the web server if it is no longer needed. Otherwise, upgrade to a supported version.',
    output: () => '\n  Product             : nginx 1.10\n  Installed version   : 1.10.3\n  Support ended       : 2017-10-17\n' },
];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x / 2 ** 32; };
}

function pick(rnd: () => number): Plugin {
  const total = PLUGINS.reduce((n, p) => n + p.weight, 0);
  let r = rnd() * total;
  for (const p of PLUGINS) { r -= p.weight; if (r < 0) return p; }
  return PLUGINS[0];
}

function item(p: Plugin, host: string, rnd: () => number): string {
  const lines = [
    `<ReportItem port="${p.port}" svc_name="${p.svc}" protocol="tcp" severity="${p.severity}" pluginID="${p.id}" pluginName="${esc(p.name)}" pluginFamily="${esc(p.family)}">`,
    p.cvss3 !== undefined ? `<cvss3_base_score>${p.cvss3.toFixed(1)}</cvss3_base_score>\n<cvss3_vector>${p.cvss3Vector}</cvss3_vector>` : '',
    ...(p.cve ?? []).map((c) => `<cve>${c}</cve>`),
    `<description>${esc(p.description)}</description>`,
    `<fname>plugin_${p.id}.nasl</fname>`,
    `<plugin_modification_date>2023/10/0${1 + Math.floor(rnd() * 9)}</plugin_modification_date>`,
    `<plugin_name>${esc(p.name)}</plugin_name>`,
    `<plugin_publication_date>2019/05/14</plugin_publication_date>`,
    `<plugin_type>${p.type}</plugin_type>`,
    `<risk_factor>${RISK[p.severity]}</risk_factor>`,
    `<script_version>1.${Math.floor(rnd() * 40)}</script_version>`,
    `<solution>${esc(p.solution)}</solution>`,
    `<synopsis>${esc(p.synopsis)}</synopsis>`,
    `<plugin_output>${esc(p.output(host, rnd))}</plugin_output>`,
    '</ReportItem>',
  ];
  return `${lines.filter(Boolean).join('\n')}\n`;
}

function head(): string {
  const prefs = [['max_simult_tcp_sessions', 'unlimited'], ['plugin_set', '10107;10719;10863;11219;19506;34460;42873;51192;70658;97833;104743;153953;156327'], ['TARGET', '127.1.0.0/16'], ['port_range', 'default']];
  return `<?xml version="1.0" ?>\n<NessusClientData_v2>\n<Policy><policyName>Attest benchmark policy</policyName>\n<Preferences><ServerPreferences>\n${prefs.map(([n, v]) => `<preference><name>${n}</name>\n<value>${v}</value>\n</preference>`).join('\n')}\n</ServerPreferences>\n</Preferences>\n<FamilySelection><FamilyItem><FamilyName>General</FamilyName><Status>enabled</Status></FamilyItem></FamilySelection>\n</Policy>\n<Report name="Attest benchmark scan" xmlns:cm="http://www.nessus.example.org/cm">\n`;
}

function hostHead(i: number): { name: string; text: string } {
  const ip = `127.1.${Math.floor(i / 250) % 256}.${1 + (i % 250)}`;
  const fqdn = `host${String(i + 1).padStart(4, '0')}.example.org`;
  const name = i % 2 === 0 ? ip : fqdn;
  const tags = [['HOST_END', 'Mon Nov 20 10:02:11 2023'], ['operating-system', 'Linux Kernel 5.4'], ['system-type', 'general-purpose'], ['host-ip', ip], ['host-fqdn', fqdn], ['HOST_START', 'Mon Nov 20 09:14:03 2023']];
  return { name, text: `<ReportHost name="${name}"><HostProperties>\n${tags.map(([n, v]) => `<tag name="${n}">${v}</tag>`).join('\n')}\n</HostProperties>\n` };
}

/** Writes the report to `out`, host after host, until it reaches `mb` megabytes (1 MB = 2^20 bytes). */
export async function makeNessus(opts: NessusOptions): Promise<NessusStats> {
  const target = Math.round(opts.mb * 1024 * 1024);
  const hostCount = Math.max(1, Math.floor(opts.hosts ?? 2000));
  const rnd = rng(opts.seed ?? 1);
  const stream = fs.createWriteStream(opts.out);
  const failed = new Promise<never>((_, reject) => stream.once('error', reject));
  failed.catch(() => undefined);
  let bytes = 0;
  let items = 0;
  let pending = '';
  const flush = async (force = false) => {
    if (!force && pending.length < 64 * 1024) return;
    const chunk = pending;
    pending = '';
    bytes += Buffer.byteLength(chunk);
    if (!stream.write(chunk)) await Promise.race([once(stream, 'drain'), failed]);
  };
  const emit = async (s: string) => { pending += s; await flush(); };
  const tail = '</Report>\n</NessusClientData_v2>\n';
  await emit(head());
  for (let i = 0; i < hostCount; i++) {
    const h = hostHead(i);
    await emit(h.text);
    // each host takes its share of the size, and always lists at least the scan information
    const until = Math.floor(((i + 1) * (target - tail.length)) / hostCount);
    let first = true;
    do {
      await emit(item(first ? PLUGINS[0] : pick(rnd), h.name, rnd));
      first = false;
      items++;
    } while (bytes + pending.length < until);
    await emit('</ReportHost>\n');
  }
  await emit(tail);
  await flush(true);
  stream.end();
  await Promise.race([once(stream, 'finish'), failed]);
  return { hosts: hostCount, items, bytes };
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (require.main === module) {
  const mb = Number(arg('mb') ?? 50);
  const out = arg('out');
  const hosts = Number(arg('hosts') ?? 2000);
  if (!out || !(mb > 0) || !(hosts >= 1)) {
    process.stderr.write('usage: tsx test/bench/make-nessus.ts --mb 50 --out /tmp/x.nessus [--hosts 2000] [--seed 1]\n');
    process.exit(2);
  }
  const t = Date.now();
  makeNessus({ mb, out, hosts, seed: Number(arg('seed') ?? 1) }).then((s) => {
    process.stdout.write(`${JSON.stringify({ out, ...s, mb: Math.round((s.bytes / 1048576) * 10) / 10, ms: Date.now() - t })}\n`);
  }, (err) => { process.stderr.write(`${err}\n`); process.exit(1); });
}
