import type { Readable } from 'node:stream';
import type { ImportSeverity, ParsedReport, ParseLimits } from '../types';
import { ReportError } from '../types';
import { EVIDENCE_CHARS, ReportBuilder, clip, toDate, toPort, type SeverityRow } from './common';
import { parseJson, readAll } from './json';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Check {
  rule: string;
  title: string;
  severity: ImportSeverity;
  cve?: string[];
  cwe?: number[];
  /** what the scan result says, or undefined when the check passed or did not run */
  test(r: Json, ctx: { scannedAt?: Date }): string | undefined;
}

const accepted = (name: string) => (r: Json): string | undefined => {
  const v = result(r, name);
  const n = Array.isArray(v?.accepted_cipher_suites) ? v.accepted_cipher_suites.length : 0;
  return n > 0 || v?.is_tls_version_supported === true ? `${name}: ${n} cipher suite(s) accepted` : undefined;
};

const WEAK = /(_RC4_|_NULL_|NULL_WITH|_EXPORT|_anon_|_DES_|3DES)/i;
const PROTOCOLS = ['ssl_2_0', 'ssl_3_0', 'tls_1_0', 'tls_1_1', 'tls_1_2', 'tls_1_3'].map((p) => `${p}_cipher_suites`);
function weakCiphers(r: Json): string | undefined {
  const names = new Set<string>();
  for (const command of PROTOCOLS) {
    const suites = result(r, command)?.accepted_cipher_suites;
    for (const s of Array.isArray(suites) ? suites.slice(0, 500) : []) {
      const name = String(s?.cipher_suite?.name ?? '');
      if (WEAK.test(name)) names.add(name);
    }
  }
  return names.size ? `accepted: ${[...names].join(', ')}` : undefined;
}

const deployments = (r: Json): Json[] => {
  const v = result(r, 'certificate_info');
  return Array.isArray(v?.certificate_deployments) ? v.certificate_deployments : [];
};

/** Each check sslyze's JSON answers reliably, with the severity we give it. */
export const CHECKS: readonly Check[] = [
  { rule: 'ssl_2_0', title: 'SSL 2.0 is accepted', severity: 'critical', cwe: [327], test: accepted('ssl_2_0_cipher_suites') },
  { rule: 'ssl_3_0', title: 'SSL 3.0 is accepted (POODLE)', severity: 'high', cve: ['CVE-2014-3566'], cwe: [327], test: accepted('ssl_3_0_cipher_suites') },
  { rule: 'tls_1_0', title: 'TLS 1.0 is accepted', severity: 'medium', cwe: [327], test: accepted('tls_1_0_cipher_suites') },
  { rule: 'tls_1_1', title: 'TLS 1.1 is accepted', severity: 'medium', cwe: [327], test: accepted('tls_1_1_cipher_suites') },
  { rule: 'weak_cipher_suites', title: 'Weak cipher suites are accepted (3DES, DES, RC4, NULL, EXPORT or anonymous)', severity: 'medium',
    cve: ['CVE-2016-2183'], cwe: [327], test: weakCiphers },
  { rule: 'heartbleed', title: 'Vulnerable to Heartbleed', severity: 'critical', cve: ['CVE-2014-0160'], cwe: [119],
    test: (r) => (result(r, 'heartbleed')?.is_vulnerable_to_heartbleed === true ? 'is_vulnerable_to_heartbleed: true' : undefined) },
  { rule: 'openssl_ccs_injection', title: 'Vulnerable to OpenSSL CCS injection', severity: 'high', cve: ['CVE-2014-0224'], cwe: [310],
    test: (r) => (result(r, 'openssl_ccs_injection')?.is_vulnerable_to_ccs_injection === true ? 'is_vulnerable_to_ccs_injection: true' : undefined) },
  { rule: 'robot', title: 'Vulnerable to ROBOT (Bleichenbacher oracle)', severity: 'high', cve: ['CVE-2017-13099'], cwe: [203],
    test: (r) => {
      const v = String(result(r, 'robot')?.robot_result ?? '');
      return v.startsWith('VULNERABLE') ? `robot_result: ${v}` : undefined;
    } },
  { rule: 'insecure_renegotiation', title: 'Secure renegotiation is not supported', severity: 'high', cve: ['CVE-2009-3555'], cwe: [310],
    test: (r) => (result(r, 'session_renegotiation')?.supports_secure_renegotiation === false ? 'supports_secure_renegotiation: false' : undefined) },
  { rule: 'client_renegotiation_dos', title: 'Client-initiated renegotiation is accepted (DoS)', severity: 'medium', cwe: [400],
    test: (r) => {
      const v = result(r, 'session_renegotiation');
      if (v?.is_vulnerable_to_client_renegotiation_dos === true) return 'is_vulnerable_to_client_renegotiation_dos: true';
      return v?.accepts_client_renegotiation === true ? 'accepts_client_renegotiation: true' : undefined;
    } },
  { rule: 'tls_compression', title: 'TLS compression is enabled (CRIME)', severity: 'medium', cve: ['CVE-2012-4929'], cwe: [310],
    test: (r) => (result(r, 'tls_compression')?.supports_compression === true ? 'supports_compression: true' : undefined) },
  { rule: 'tls_fallback_scsv', title: 'TLS_FALLBACK_SCSV is not supported (downgrade)', severity: 'low', cwe: [757],
    test: (r) => (result(r, 'tls_fallback_scsv')?.supports_fallback_scsv === false ? 'supports_fallback_scsv: false' : undefined) },
  { rule: 'certificate_hostname_mismatch', title: 'The certificate does not match the host name', severity: 'high', cwe: [297],
    test: (r) => (deployments(r).some((d) => d.leaf_certificate_subject_matches_hostname === false) ? 'leaf_certificate_subject_matches_hostname: false' : undefined) },
  { rule: 'certificate_untrusted', title: 'The certificate chain is not trusted', severity: 'high', cwe: [295],
    test: (r) => {
      // sslyze 5/6 say per trust store; all stores failing means no mainstream client accepts it
      for (const d of deployments(r)) {
        const paths = Array.isArray(d.path_validation_results) ? d.path_validation_results : [];
        // sslyze 5/6: was_validation_successful; sslyze 3/4: verified_certificate_chain null on failure
        const ok = (p: Json): boolean | undefined =>
          typeof p?.was_validation_successful === 'boolean' ? p.was_validation_successful : p && 'verified_certificate_chain' in p ? p.verified_certificate_chain !== null : undefined;
        const judged = paths.filter((p: Json) => ok(p) !== undefined);
        if (judged.length && judged.every((p: Json) => ok(p) === false)) {
          return `validation failed in every trust store: ${String(judged[0].validation_error ?? judged[0].openssl_error_string ?? '')}`;
        }
      }
      return undefined;
    } },
  { rule: 'certificate_expired', title: 'The certificate has expired', severity: 'high', cwe: [298],
    test: (r, ctx) => {
      for (const d of deployments(r)) {
        const leaf = Array.isArray(d.received_certificate_chain) ? d.received_certificate_chain[0] : undefined;
        const after = toDate(leaf?.not_valid_after);
        if (after && ctx.scannedAt && after < ctx.scannedAt) return `not_valid_after: ${leaf.not_valid_after}`;
      }
      return undefined;
    } },
];

export const SEVERITY_MAP: readonly SeverityRow[] = CHECKS.map((c) => ({ tool: c.rule, severity: c.severity, note: c.title }));

/** A scan command's result: sslyze 5/6 nest it as {status, result}; sslyze 3/4 put it directly. */
function result(server: Json, command: string): Json | undefined {
  const all = server.scan_result ?? server.scan_commands_results;
  const entry = all?.[command];
  if (!entry || typeof entry !== 'object') return undefined;
  if ('status' in entry) return entry.status === 'COMPLETED' && entry.result && typeof entry.result === 'object' ? entry.result : undefined;
  return entry;
}

export async function parse(input: Readable, limits: ParseLimits): Promise<ParsedReport> {
  const doc = parseJson(await readAll(input), limits) as Json;
  if (!doc || typeof doc !== 'object' || !Array.isArray(doc.server_scan_results)) {
    throw new ReportError({ en: 'this is not an sslyze JSON report (--json_out): server_scan_results is missing', vi: 'đây không phải báo cáo JSON của sslyze (--json_out): thiếu server_scan_results' });
  }
  const report = new ReportBuilder('sslyze', limits);
  const scannedAt = toDate(doc.date_scans_started);
  for (const server of doc.server_scan_results as Json[]) {
    if (!server || typeof server !== 'object') continue;
    const loc = server.server_location ?? server.server_info?.server_location ?? {};
    const host = String(loc.hostname ?? loc.ip_address ?? '').trim();
    if (!host) continue;
    // sslyze 5/6 keep servers it could not reach in the list, with scan_status ERROR_NO_CONNECTIVITY
    if (server.scan_status && server.scan_status !== 'COMPLETED') continue;
    const address = loc.ip_address && loc.ip_address !== host ? String(loc.ip_address) : undefined;
    const port = toPort(loc.port);
    report.cover(host, { address, ports: port ? [port] : [] });
    for (const check of CHECKS) {
      const evidence = check.test(server, { scannedAt });
      if (!evidence) continue;
      report.add({
        rule: check.rule, title: check.title, severity: check.severity, toolSeverity: check.severity,
        host, address, port, protocol: 'tcp', evidence: clip(evidence, EVIDENCE_CHARS), cve: check.cve, cwe: check.cwe,
      });
    }
  }
  return report.build({ toolVersion: clip(doc.sslyze_version, 100), scannedAt });
}
