import * as audit from './modules/audit/audit.service';
import * as board from './modules/findings/finding.board';

/**
 * Start-up repair of derived data that a crash can leave behind the records it is derived from:
 * audit index entries after the last indexed event, finding board entries older than their
 * finding. Both only ever move forward, so running this beside live writers is safe.
 */
export async function reconcile(): Promise<{ auditIndexed: number; findings: number; boardDocuments: number; ms: number }> {
  const started = Date.now();
  const a = await audit.reconcile();
  const b = await board.repair();
  return { auditIndexed: a.indexed, findings: b.findings, boardDocuments: b.documents, ms: Date.now() - started };
}
