import * as audit from './modules/audit/audit.service';
import * as board from './modules/findings/finding.board';
import * as scans from './modules/scans/scan.service';

/**
 * Start-up repair of derived data that a crash can leave behind the records it is derived from:
 * audit index entries after the last indexed event, finding board entries older than their
 * finding (both only ever move forward, so running this beside live writers is safe), and scan
 * runs a stopped process left running (its process on this host is gone, or its heartbeat is stale).
 */
export async function reconcile(): Promise<{ auditIndexed: number; findings: number; boardDocuments: number; scansInterrupted: number; ms: number }> {
  const started = Date.now();
  const a = await audit.reconcile();
  const b = await board.repair();
  const scansInterrupted = await scans.sweepInterrupted();
  return { auditIndexed: a.indexed, findings: b.findings, boardDocuments: b.documents, scansInterrupted, ms: Date.now() - started };
}
