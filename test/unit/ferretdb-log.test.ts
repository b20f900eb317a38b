import { expect } from 'chai';
import { classifyLogLine } from '../../src/db/ferretdb-process';

/* FerretDB 1.24's JSON log lines as the service forwards them: real warnings stay warnings, the dump of every error reply does not. */
describe("FerretDB's log lines", () => {
  const line = (o: Record<string, unknown>) => JSON.stringify({ level: 'WARN', time: '2026-12-06T23:20:00Z', ...o });

  it('when FerretDB dumps a command answered with an error (header, then the message), then it is kept at debug, not logged as a warning', () => {
    const header = classifyLogLine(line({ msg: 'Response header: length:   121, id: 1583, response_to: 2289, opcode: OP_MSG\nResponse message:\n{"ok": 0, "code": 11000}', name: 'listener' }));
    expect(header).to.include({ level: 'debug' });
    expect(classifyLogLine(line({ msg: 'Response message: {"ok": 0}' }))).to.include({ level: 'debug' });
  });

  it('when FerretDB warns about something else or fails, then the level is kept; a closed client connection and info lines are dropped; a panic trace is an error', () => {
    expect(classifyLogLine(line({ msg: 'database is locked', component: 'sqlite' }))).to.deep.equal({ level: 'warn', text: 'database is locked', fields: { component: 'sqlite' } });
    expect(classifyLogLine(line({ level: 'ERROR', msg: 'failed to open' }))).to.include({ level: 'error', text: 'failed to open' });
    expect(classifyLogLine(line({ msg: 'Connection stopped' }))).to.equal(undefined);
    expect(classifyLogLine(line({ level: 'INFO', msg: 'Listening' }))).to.equal(undefined);
    expect(classifyLogLine('panic: runtime error: index out of range')).to.deep.equal({ level: 'error', text: 'panic: runtime error: index out of range', fields: {} });
  });
});
