import { Finding, type FindingDoc } from '../findings/finding.model';
import { problemsOf } from '../scans/problems';
import { severityOfPort } from '../scans/checks/ports';
import type { FrozenControl } from '../checklists/checklist.service';
import type { Severity } from '../../shared/enums';
import type { HostIndex, SystemLite } from './match';
import type { Mapping } from './mapping';
import type { ImportTool, ImportedItem, ParsedReport } from './types';

export const TOOL_NAMES: Record<ImportTool, string> = {
  nmap: 'Nmap', testssl: 'testssl.sh', sslyze: 'SSLyze', zap: 'OWASP ZAP', nuclei: 'Nuclei', openvas: 'OpenVAS / Greenbone', nessus: 'Nessus',
};

export const importFindingKey = (system: string, tool: ImportTool, rule: string, target: string) => `import:${system}:${tool}:${rule}:${target}`;

/** One finding an import would open, refresh or reopen. */
export interface Planned {
  action: 'open' | 'refresh' | 'reopen';
  system: SystemLite;
  dedupeKey: string;
  existing?: string;
  rule: string;
  target: string;
  severity: Severity;
  control?: string;
  texts: Pick<FindingDoc, 'title' | 'titleVi' | 'description' | 'descriptionVi'>;
}
export interface Plan {
  actions: Planned[];
  verify: { system: SystemLite; id: string; title: string; target: string }[];
  /** hosts of the report that belong to no registered system: an inventory gap */
  unmatchedHosts: string[];
  /** items that are information only (or an nmap port the system allows) */
  ignored: number;
}

type Existing = Pick<FindingDoc, '_id' | 'system' | 'status' | 'dedupeKey' | 'lastSeenAt' | 'title' | 'source'>;
const STILL_OPEN = ['open', 'in_remediation', 'reopened'];
const CAN_VERIFY = [...STILL_OPEN, 'resolved'];
const cut = (s: string | undefined, n: number) => (s && s.length > n ? `${s.slice(0, n - 1)}…` : s ?? '');
const hostOf = (target: string) => target.replace(/:\d+$/, '');

function texts(tool: ImportTool, item: ImportedItem, target: string, control?: FrozenControl): Planned['texts'] {
  const name = TOOL_NAMES[tool];
  if (tool === 'nmap' && item.port) {
    const [p] = problemsOf('ports.exposed', [{ code: `port.open.${item.port}`, severity: 'medium', message: '' }]);
    const seen = `${name}: ${cut(item.evidence || item.title, 1500)}`;
    const ctl = (en: boolean) => (control ? `\n\n${en ? 'Control' : 'Biện pháp'} ${control.ref}: ${en ? control.title.en : control.title.vi}` : '');
    return { title: p.title.en, titleVi: p.title.vi, description: `${p.fix.en}\n\nSeen at ${target}:\n- ${seen}${ctl(true)}`, descriptionVi: `${p.fix.vi}\n\nPhát hiện tại ${target}:\n- ${seen}${ctl(false)}` };
  }
  const facts = [item.cve?.length ? `CVE: ${item.cve.slice(0, 20).join(', ')}` : '', item.cwe?.length ? `CWE: ${item.cwe.slice(0, 10).join(', ')}` : ''].filter(Boolean).join('; ');
  const seen = cut(item.evidence || item.description, 2000);
  const en = [item.solution ? `Fix (as ${name} advises): ${cut(item.solution, 1500)}` : `Fix what ${name} describes below.`,
    `Seen by ${name} at ${target} (rule ${item.rule}, severity ${item.toolSeverity}${facts ? `; ${facts}` : ''}):\n${seen}`,
    control ? `Control ${control.ref}: ${control.title.en}` : ''];
  const vi = [item.solution ? `Khắc phục (theo ${name}): ${cut(item.solution, 1500)}` : `Khắc phục điều ${name} mô tả bên dưới.`,
    `${name} phát hiện tại ${target} (quy tắc ${item.rule}, mức độ ${item.toolSeverity}${facts ? `; ${facts}` : ''}):\n${seen}`,
    control ? `Biện pháp ${control.ref}: ${control.title.vi}` : ''];
  return { title: cut(item.title, 300), titleVi: cut(`${name} phát hiện: ${item.title}`, 300), description: en.filter(Boolean).join('\n\n'), descriptionVi: vi.filter(Boolean).join('\n\n') };
}

type Controls = Map<number, Map<string, FrozenControl>>;

/** The tool's import findings, by key: what a report may refresh, reopen or verify. */
export async function existingFindings(tool: ImportTool): Promise<Map<string, Existing>> {
  const docs = await Finding.find({ 'source.type': 'import', 'source.tool': tool }, { system: 1, status: 1, dedupeKey: 1, lastSeenAt: 1, title: 1, source: 1 }).lean<Existing[]>();
  return new Map(docs.map((f) => [f.dedupeKey, f]));
}

/**
 * What applying a report would do, computed item by item as the report is read (nothing is
 * written, and only the items of registered hosts are kept): each problem at each matched target
 * opens a finding keyed by (system, tool, rule, target) or refreshes / reopens the one that
 * exists; at the end, an open finding of the same tool whose target the report covered and that it
 * no longer lists is verified (unless the report is older than the finding's last sighting).
 */
export class Planner {
  private readonly actions = new Map<string, Planned>();
  private readonly unmatched = new Set<string>();
  private ignored = 0;

  constructor(private readonly tool: ImportTool, private readonly hosts: HostIndex, private readonly mapping: Mapping,
    private readonly controls: Controls, private readonly existing: Map<string, Existing>) {}

  readonly add = (item: ImportedItem): void => {
    const tool = this.tool;
    const matches = this.hosts.match(item);
    if (!matches.length) { if (this.unmatched.size < 100_000) this.unmatched.add(item.host); return; }
    for (const { system, host } of matches) {
      const target = item.port ? `${host}:${item.port}` : host;
      const isPort = tool === 'nmap' && item.rule.startsWith('port.');
      if (isPort ? !item.port || item.protocol === 'udp' || this.hosts.allows(system, host, item.port) : item.severity === 'info') { this.ignored++; continue; }
      const severity: Severity = isPort ? severityOfPort(item.port!) : (item.severity as Severity);
      const dedupeKey = importFindingKey(system._id.toString(), tool, item.rule, target);
      if (this.actions.has(dedupeKey)) continue; // the same problem listed twice at one target (another URL of it)
      const control = this.controls.get(system.level)?.get(this.mapping.controlFor(tool, item));
      const ex = this.existing.get(dedupeKey);
      const action = !ex ? 'open' : STILL_OPEN.includes(ex.status) || ex.status === 'risk_accepted' ? 'refresh' : 'reopen';
      this.actions.set(dedupeKey, { action, system, dedupeKey, existing: ex?._id.toString(), rule: item.rule, target, severity, control: control?.id, texts: texts(tool, item, target, control) });
    }
  };

  finish(report: Pick<ParsedReport, 'covered' | 'scannedAt'>): Plan {
    const hosts = this.hosts;
    for (const c of report.covered) if (!hosts.match(c).length) this.unmatched.add(c.host);
    const coveredBy = new Map<string, Set<number> | 'all'>();
    for (const c of report.covered) {
      for (const { system, host } of hosts.match(c)) {
        const k = `${system._id}:${host}`;
        const prev = coveredBy.get(k);
        coveredBy.set(k, !c.ports.length || prev === 'all' ? 'all' : new Set([...(prev ?? []), ...c.ports]));
      }
    }
    const verify: Plan['verify'] = [];
    for (const f of this.existing.values()) {
      if (this.actions.has(f.dedupeKey) || !CAN_VERIFY.includes(f.status) || !f.source.target) continue;
      const covered = coveredBy.get(`${f.system}:${hostOf(f.source.target)}`);
      const port = /:(\d+)$/.exec(f.source.target)?.[1];
      if (!covered || (covered !== 'all' && port && !covered.has(Number(port)))) continue;
      if (report.scannedAt && f.lastSeenAt && report.scannedAt < f.lastSeenAt) continue;
      const system = hosts.systemById(f.system.toString());
      if (system) verify.push({ system, id: f._id.toString(), title: f.title, target: f.source.target });
    }
    return { actions: [...this.actions.values()], verify, unmatchedHosts: [...this.unmatched].sort(), ignored: this.ignored };
  }
}

