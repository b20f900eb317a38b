/**
 * TLS 1.0–1.2 cipher suites by IANA id, with what a verdict needs. Covers every non-PSK, non-SRP
 * suite of OpenSSL 3 plus the legacy ones still met on old servers (RC4, 3DES, DES, IDEA, SEED,
 * EXPORT); ids and properties checked against testssl's cipher-mapping.txt. Kept under 128
 * suites because some servers reject longer lists (testssl's "128 cipher limit bug").
 * TLS 1.3 suites are absent: all of them are AEAD with forward secrecy.
 */

export interface Suite {
  id: number;
  /** OpenSSL's name, as operators and testssl print it */
  name: string;
  kx: 'RSA' | 'DHE' | 'ECDHE';
  au: 'RSA' | 'ECDSA' | 'DSS' | 'None';
  enc: string;
  mac: 'MD5' | 'SHA1' | 'SHA256' | 'SHA384' | 'AEAD';
  /** no encryption at all */
  null: boolean;
  /** no server authentication (ADH, AECDH): anyone in the path can impersonate the server */
  anon: boolean;
  /** 40/56-bit export-grade (FREAK, Logjam) */
  export: boolean;
  rc4: boolean;
  /** 64-bit block cipher (3DES, DES, IDEA, RC2): SWEET32 */
  block64: boolean;
  /** ephemeral, authenticated key exchange (DHE/ECDHE) */
  forwardSecrecy: boolean;
  aead: boolean;
  /** defined for TLS 1.2 only (SHA-2 MAC or AEAD): not offered in older hellos */
  tls12Only: boolean;
}

// id   name                           kx    au    enc      mac
const ROWS = `
c02c ECDHE-ECDSA-AES256-GCM-SHA384  ECDHE ECDSA AESGCM   AEAD
c030 ECDHE-RSA-AES256-GCM-SHA384    ECDHE RSA   AESGCM   AEAD
00a3 DHE-DSS-AES256-GCM-SHA384      DHE   DSS   AESGCM   AEAD
009f DHE-RSA-AES256-GCM-SHA384      DHE   RSA   AESGCM   AEAD
cca9 ECDHE-ECDSA-CHACHA20-POLY1305  ECDHE ECDSA CHACHA20 AEAD
cca8 ECDHE-RSA-CHACHA20-POLY1305    ECDHE RSA   CHACHA20 AEAD
ccaa DHE-RSA-CHACHA20-POLY1305      DHE   RSA   CHACHA20 AEAD
c0af ECDHE-ECDSA-AES256-CCM8        ECDHE ECDSA AESCCM8  AEAD
c0ad ECDHE-ECDSA-AES256-CCM         ECDHE ECDSA AESCCM   AEAD
c0a3 DHE-RSA-AES256-CCM8            DHE   RSA   AESCCM8  AEAD
c09f DHE-RSA-AES256-CCM             DHE   RSA   AESCCM   AEAD
c05d ECDHE-ECDSA-ARIA256-GCM-SHA384 ECDHE ECDSA ARIAGCM  AEAD
c061 ECDHE-ARIA256-GCM-SHA384       ECDHE RSA   ARIAGCM  AEAD
c057 DHE-DSS-ARIA256-GCM-SHA384     DHE   DSS   ARIAGCM  AEAD
c053 DHE-RSA-ARIA256-GCM-SHA384     DHE   RSA   ARIAGCM  AEAD
00a7 ADH-AES256-GCM-SHA384          DHE   None  AESGCM   AEAD
c02b ECDHE-ECDSA-AES128-GCM-SHA256  ECDHE ECDSA AESGCM   AEAD
c02f ECDHE-RSA-AES128-GCM-SHA256    ECDHE RSA   AESGCM   AEAD
00a2 DHE-DSS-AES128-GCM-SHA256      DHE   DSS   AESGCM   AEAD
009e DHE-RSA-AES128-GCM-SHA256      DHE   RSA   AESGCM   AEAD
c0ae ECDHE-ECDSA-AES128-CCM8        ECDHE ECDSA AESCCM8  AEAD
c0ac ECDHE-ECDSA-AES128-CCM         ECDHE ECDSA AESCCM   AEAD
c0a2 DHE-RSA-AES128-CCM8            DHE   RSA   AESCCM8  AEAD
c09e DHE-RSA-AES128-CCM             DHE   RSA   AESCCM   AEAD
c05c ECDHE-ECDSA-ARIA128-GCM-SHA256 ECDHE ECDSA ARIAGCM  AEAD
c060 ECDHE-ARIA128-GCM-SHA256       ECDHE RSA   ARIAGCM  AEAD
c056 DHE-DSS-ARIA128-GCM-SHA256     DHE   DSS   ARIAGCM  AEAD
c052 DHE-RSA-ARIA128-GCM-SHA256     DHE   RSA   ARIAGCM  AEAD
00a6 ADH-AES128-GCM-SHA256          DHE   None  AESGCM   AEAD
c024 ECDHE-ECDSA-AES256-SHA384      ECDHE ECDSA AES      SHA384
c028 ECDHE-RSA-AES256-SHA384        ECDHE RSA   AES      SHA384
006b DHE-RSA-AES256-SHA256          DHE   RSA   AES      SHA256
006a DHE-DSS-AES256-SHA256          DHE   DSS   AES      SHA256
c073 ECDHE-ECDSA-CAMELLIA256-SHA384 ECDHE ECDSA CAMELLIA SHA384
c077 ECDHE-RSA-CAMELLIA256-SHA384   ECDHE RSA   CAMELLIA SHA384
00c4 DHE-RSA-CAMELLIA256-SHA256     DHE   RSA   CAMELLIA SHA256
00c3 DHE-DSS-CAMELLIA256-SHA256     DHE   DSS   CAMELLIA SHA256
006d ADH-AES256-SHA256              DHE   None  AES      SHA256
00c5 ADH-CAMELLIA256-SHA256         DHE   None  CAMELLIA SHA256
c023 ECDHE-ECDSA-AES128-SHA256      ECDHE ECDSA AES      SHA256
c027 ECDHE-RSA-AES128-SHA256        ECDHE RSA   AES      SHA256
0067 DHE-RSA-AES128-SHA256          DHE   RSA   AES      SHA256
0040 DHE-DSS-AES128-SHA256          DHE   DSS   AES      SHA256
c072 ECDHE-ECDSA-CAMELLIA128-SHA256 ECDHE ECDSA CAMELLIA SHA256
c076 ECDHE-RSA-CAMELLIA128-SHA256   ECDHE RSA   CAMELLIA SHA256
00be DHE-RSA-CAMELLIA128-SHA256     DHE   RSA   CAMELLIA SHA256
00bd DHE-DSS-CAMELLIA128-SHA256     DHE   DSS   CAMELLIA SHA256
006c ADH-AES128-SHA256              DHE   None  AES      SHA256
00bf ADH-CAMELLIA128-SHA256         DHE   None  CAMELLIA SHA256
c00a ECDHE-ECDSA-AES256-SHA         ECDHE ECDSA AES      SHA1
c014 ECDHE-RSA-AES256-SHA           ECDHE RSA   AES      SHA1
0039 DHE-RSA-AES256-SHA             DHE   RSA   AES      SHA1
0038 DHE-DSS-AES256-SHA             DHE   DSS   AES      SHA1
0088 DHE-RSA-CAMELLIA256-SHA        DHE   RSA   CAMELLIA SHA1
0087 DHE-DSS-CAMELLIA256-SHA        DHE   DSS   CAMELLIA SHA1
c019 AECDH-AES256-SHA               ECDHE None  AES      SHA1
003a ADH-AES256-SHA                 DHE   None  AES      SHA1
0089 ADH-CAMELLIA256-SHA            DHE   None  CAMELLIA SHA1
c009 ECDHE-ECDSA-AES128-SHA         ECDHE ECDSA AES      SHA1
c013 ECDHE-RSA-AES128-SHA           ECDHE RSA   AES      SHA1
0033 DHE-RSA-AES128-SHA             DHE   RSA   AES      SHA1
0032 DHE-DSS-AES128-SHA             DHE   DSS   AES      SHA1
0045 DHE-RSA-CAMELLIA128-SHA        DHE   RSA   CAMELLIA SHA1
0044 DHE-DSS-CAMELLIA128-SHA        DHE   DSS   CAMELLIA SHA1
c018 AECDH-AES128-SHA               ECDHE None  AES      SHA1
0034 ADH-AES128-SHA                 DHE   None  AES      SHA1
0046 ADH-CAMELLIA128-SHA            DHE   None  CAMELLIA SHA1
009d AES256-GCM-SHA384              RSA   RSA   AESGCM   AEAD
c0a1 AES256-CCM8                    RSA   RSA   AESCCM8  AEAD
c09d AES256-CCM                     RSA   RSA   AESCCM   AEAD
c051 ARIA256-GCM-SHA384             RSA   RSA   ARIAGCM  AEAD
009c AES128-GCM-SHA256              RSA   RSA   AESGCM   AEAD
c0a0 AES128-CCM8                    RSA   RSA   AESCCM8  AEAD
c09c AES128-CCM                     RSA   RSA   AESCCM   AEAD
c050 ARIA128-GCM-SHA256             RSA   RSA   ARIAGCM  AEAD
003d AES256-SHA256                  RSA   RSA   AES      SHA256
00c0 CAMELLIA256-SHA256             RSA   RSA   CAMELLIA SHA256
003c AES128-SHA256                  RSA   RSA   AES      SHA256
00ba CAMELLIA128-SHA256             RSA   RSA   CAMELLIA SHA256
0035 AES256-SHA                     RSA   RSA   AES      SHA1
0084 CAMELLIA256-SHA                RSA   RSA   CAMELLIA SHA1
002f AES128-SHA                     RSA   RSA   AES      SHA1
0041 CAMELLIA128-SHA                RSA   RSA   CAMELLIA SHA1
c006 ECDHE-ECDSA-NULL-SHA           ECDHE ECDSA NULL     SHA1
c010 ECDHE-RSA-NULL-SHA             ECDHE RSA   NULL     SHA1
c015 AECDH-NULL-SHA                 ECDHE None  NULL     SHA1
003b NULL-SHA256                    RSA   RSA   NULL     SHA256
0002 NULL-SHA                       RSA   RSA   NULL     SHA1
0001 NULL-MD5                       RSA   RSA   NULL     MD5
009a DHE-RSA-SEED-SHA               DHE   RSA   SEED     SHA1
0096 SEED-SHA                       RSA   RSA   SEED     SHA1
0007 IDEA-CBC-SHA                   RSA   RSA   IDEA     SHA1
c011 ECDHE-RSA-RC4-SHA              ECDHE RSA   RC4      SHA1
c007 ECDHE-ECDSA-RC4-SHA            ECDHE ECDSA RC4      SHA1
c016 AECDH-RC4-SHA                  ECDHE None  RC4      SHA1
0018 ADH-RC4-MD5                    DHE   None  RC4      MD5
0005 RC4-SHA                        RSA   RSA   RC4      SHA1
0004 RC4-MD5                        RSA   RSA   RC4      MD5
c012 ECDHE-RSA-DES-CBC3-SHA         ECDHE RSA   3DES     SHA1
c008 ECDHE-ECDSA-DES-CBC3-SHA       ECDHE ECDSA 3DES     SHA1
0016 EDH-RSA-DES-CBC3-SHA           DHE   RSA   3DES     SHA1
0013 EDH-DSS-DES-CBC3-SHA           DHE   DSS   3DES     SHA1
c017 AECDH-DES-CBC3-SHA             ECDHE None  3DES     SHA1
001b ADH-DES-CBC3-SHA               DHE   None  3DES     SHA1
000a DES-CBC3-SHA                   RSA   RSA   3DES     SHA1
0063 EXP1024-DHE-DSS-DES-CBC-SHA    DHE   DSS   DES      SHA1
0015 EDH-RSA-DES-CBC-SHA            DHE   RSA   DES      SHA1
0012 EDH-DSS-DES-CBC-SHA            DHE   DSS   DES      SHA1
001a ADH-DES-CBC-SHA                DHE   None  DES      SHA1
0062 EXP1024-DES-CBC-SHA            RSA   RSA   DES      SHA1
0009 DES-CBC-SHA                    RSA   RSA   DES      SHA1
0061 EXP1024-RC2-CBC-MD5            RSA   RSA   RC2      MD5
0065 EXP1024-DHE-DSS-RC4-SHA        DHE   DSS   RC4      SHA1
0064 EXP1024-RC4-SHA                RSA   RSA   RC4      SHA1
0060 EXP1024-RC4-MD5                RSA   RSA   RC4      MD5
0014 EXP-EDH-RSA-DES-CBC-SHA        DHE   RSA   DES      SHA1
0011 EXP-EDH-DSS-DES-CBC-SHA        DHE   DSS   DES      SHA1
0019 EXP-ADH-DES-CBC-SHA            DHE   None  DES      SHA1
0008 EXP-DES-CBC-SHA                RSA   RSA   DES      SHA1
0006 EXP-RC2-CBC-MD5                RSA   RSA   RC2      MD5
0017 EXP-ADH-RC4-MD5                DHE   None  RC4      MD5
0003 EXP-RC4-MD5                    RSA   RSA   RC4      MD5
`;

export const SUITES: readonly Suite[] = ROWS.trim()
  .split('\n')
  .map((line) => {
    const [id, name, kx, au, enc, mac] = line.trim().split(/\s+/);
    return {
      id: parseInt(id, 16),
      name,
      kx: kx as Suite['kx'],
      au: au as Suite['au'],
      enc,
      mac: mac as Suite['mac'],
      null: enc === 'NULL',
      anon: au === 'None',
      export: name.startsWith('EXP'),
      rc4: enc === 'RC4',
      block64: ['3DES', 'DES', 'IDEA', 'RC2'].includes(enc),
      forwardSecrecy: kx !== 'RSA' && au !== 'None',
      aead: mac === 'AEAD',
      tls12Only: mac === 'AEAD' || mac === 'SHA256' || mac === 'SHA384',
    };
  });

const BY_ID: ReadonlyMap<number, Suite> = new Map(SUITES.map((s) => [s.id, s]));

export function suiteById(id: number): Suite | undefined {
  return BY_ID.get(id);
}

export function suiteName(id: number): string {
  return BY_ID.get(id)?.name ?? `0x${id.toString(16).padStart(4, '0')}`;
}

/** TLS_EMPTY_RENEGOTIATION_INFO_SCSV: some servers abort hellos that lack it; never chosen. */
export const RENEGOTIATION_SCSV = 0x00ff;

/** The suites a hello for `version` offers (SSLv3/TLS 1.0/1.1 hellos leave out the TLS 1.2-only ones). */
export function suitesFor(version: number): Suite[] {
  return SUITES.filter((s) => version >= 0x0303 || !s.tls12Only);
}
