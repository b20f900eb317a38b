import type { Readable } from 'node:stream';
import type { ParsedReport, ParseLimits } from '../types';
import { toDate } from './common';
import { walkXml, type XmlElement } from './xml';
import { ZapCollector, type ZapAlert, type ZapSite } from './zap';

const ALERT_FIELDS = new Set(['pluginid', 'alertRef', 'alert', 'name', 'riskcode', 'riskdesc', 'confidence', 'desc', 'solution', 'otherinfo', 'reference', 'cweid', 'count']);
const INSTANCE_FIELDS = new Set(['uri', 'method', 'param', 'evidence']);
const MAX_INSTANCES = 1_000;

/** ZAP "traditional-xml" (and -plus) report: OWASPZAPReport > site > alerts > alertitem > instances > instance. */
export async function parseZapXml(input: Readable, limits: ParseLimits): Promise<ParsedReport> {
  const zap = new ZapCollector(limits);
  let site: ZapSite | undefined;
  let alert: (ZapAlert & Record<string, unknown>) | undefined;
  let instance: Record<string, string> | undefined;
  let toolVersion: string | undefined;
  let scannedAt: Date | undefined;

  const open = (el: XmlElement): void => {
    if (el.name === 'OWASPZAPReport') {
      toolVersion = el.attrs.version;
      scannedAt = toDate(el.attrs.generated);
    } else if (el.name === 'site') {
      site = { name: el.attrs.name, host: el.attrs.host, port: el.attrs.port };
      zap.site(site);
    } else if (el.name === 'alertitem') alert = { instances: [] };
    else if (el.name === 'instance' && alert) instance = {};
  };

  const close = (el: XmlElement, stack: readonly XmlElement[]): void => {
    const parent = stack[stack.length - 1]?.name;
    if (instance && parent === 'instance' && INSTANCE_FIELDS.has(el.name)) instance[el.name] = el.text;
    else if (el.name === 'instance' && instance && alert) {
      if (alert.instances.length < MAX_INSTANCES) alert.instances.push(instance);
      instance = undefined;
    } else if (alert && parent === 'alertitem' && ALERT_FIELDS.has(el.name)) {
      // older reports title the alert <alert> only; later ones give <alert> and <name> alike
      if (el.name === 'alert') alert.name = el.text;
      else if (el.name === 'name') alert.name ??= el.text;
      else alert[el.name] = el.text;
    } else if (el.name === 'alertitem' && alert && site) {
      zap.alert(site, alert, el.line);
      alert = undefined;
    } else if (el.name === 'site') site = undefined;
  };

  await walkXml(input, limits, { roots: ['OWASPZAPReport'], format: 'a ZAP XML report (traditional-xml)', open, close });
  return zap.report.build({ toolVersion, scannedAt, statedCounts: zap.stated });
}
