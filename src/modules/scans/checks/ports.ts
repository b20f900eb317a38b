import { probePorts } from './port-probe';
import type { Severity } from '../../../shared/enums';
import type { Check, CheckContext, Target, TargetResult } from './types';

/** The usual service behind a port, to name it in the finding. */
export const SERVICES: Record<number, string> = {
  21: 'FTP', 22: 'SSH', 23: 'Telnet', 25: 'SMTP', 53: 'DNS', 80: 'HTTP', 110: 'POP3', 111: 'RPC portmapper', 135: 'Microsoft RPC',
  139: 'NetBIOS session (SMB)', 143: 'IMAP', 389: 'LDAP', 443: 'HTTPS', 445: 'SMB (Microsoft-DS)', 465: 'SMTPS', 587: 'SMTP submission',
  636: 'LDAPS', 993: 'IMAPS', 995: 'POP3S', 1433: 'Microsoft SQL Server', 1521: 'Oracle database', 2049: 'NFS', 2375: 'Docker API',
  3306: 'MySQL / MariaDB', 3389: 'Remote Desktop (RDP)', 5432: 'PostgreSQL', 5900: 'VNC', 5985: 'WinRM', 5986: 'WinRM (TLS)',
  6379: 'Redis', 8080: 'HTTP (alternate)', 8443: 'HTTPS (alternate)', 9200: 'Elasticsearch', 11211: 'Memcached', 27017: 'MongoDB',
};

/** Remote administration, file sharing and databases exposed are high; anything else medium. */
const HIGH = new Set([23, 135, 139, 445, 1433, 1521, 2375, 3306, 3389, 5432, 5900, 5985, 5986, 6379, 9200, 11211, 27017]);
export const severityOfPort = (port: number): Severity => (HIGH.has(port) ? 'high' : 'medium');

export interface PortsTarget extends Target {
  /** ports to try on this host */
  scanPorts: number[];
  /** ports that may be open: the system's allowedPorts plus the ports of its own endpoints */
  allowedPorts: number[];
}

/**
 * ports.exposed: a TCP connect to each port of the host; every open port the system does not
 * allow is a failure naming its usual service. One result per port, so each exposed port is its
 * own finding (target `host:port`) and closes on its own when the port is shut.
 */
export const portsExposed: Check = {
  id: 'ports.exposed',
  severity: 'high',
  appliesTo: (t) => Array.isArray((t as PortsTarget).scanPorts),
  async run(target: Target, ctx: CheckContext): Promise<TargetResult[]> {
    const t = target as PortsTarget;
    const ports = [...new Set(t.scanPorts)].sort((a, b) => a - b);
    const allowed = new Set(t.allowedPorts);
    const states = await probePorts(t.address, ports, ctx.timeoutMs);
    return ports.map((port, i) => {
      const state = states[i];
      const exposed = state === 'open' && !allowed.has(port);
      const service = SERVICES[port] ?? 'unknown service';
      return {
        target: `${t.host}:${port}`,
        status: exposed ? 'fail' : 'pass',
        failures: exposed ? [{ code: `port.open.${port}`, severity: severityOfPort(port), message: `Port ${port} (${service}) is open on ${t.host} but not in the system's allowed ports` }] : [],
        observations: { port, state, service, allowed: allowed.has(port) },
      };
    });
  },
};
