import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import ts from 'typescript';

/*
 * Guard: every refusal a service words is in both languages. The TypeScript checker reads the
 * sources (src/modules, src/http, src/db) and
 * looks at each AppError.conflict / unprocessable / forbidden / notFound / tooMany / badRequest /
 * unauthorized call and each `new AppError(status, code, message)`: the message argument's type
 * must be {vi, en} — an object literal or anything typed Bilingual — never a string. A call without
 * a message (forbidden(), notFound(), unauthorized()) takes the bilingual default.
 */
const ROOT = path.resolve(__dirname, '../..');
const FACTORIES = new Set(['conflict', 'unprocessable', 'forbidden', 'notFound', 'tooMany', 'badRequest', 'unauthorized']);

function sources(dir: string, skip: RegExp): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (skip.test(p)) return [];
    return e.isDirectory() ? sources(p, skip) : p.endsWith('.ts') ? [p] : [];
  });
}

const isBilingualType = (checker: ts.TypeChecker, type: ts.Type): boolean => {
  if (type.isUnion()) return type.types.every((t) => isBilingualType(checker, t));
  if (type.flags & (ts.TypeFlags.StringLike | ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return false;
  return ['vi', 'en'].every((k) => {
    const p = checker.getPropertyOfType(type, k);
    return !!p && !!(checker.getTypeOfSymbol(p).flags & ts.TypeFlags.StringLike);
  });
};

/** "file:line  call" of every AppError message argument that is not typed {vi, en}. */
export function englishOnly(files: string[]): { checked: number; offending: string[] } {
  const program = ts.createProgram(files, { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, esModuleInterop: true, skipLibCheck: true, resolveJsonModule: true, types: ['node'] });
  const checker = program.getTypeChecker();
  const offending: string[] = [];
  let checked = 0;
  for (const file of files) {
    const sf = program.getSourceFile(file)!;
    const visit = (node: ts.Node): void => {
      // the class itself passes its `string | Bilingual` parameters on: the callers are what is guarded
      if (ts.isClassDeclaration(node) && node.name?.text === 'AppError') return;
      let message: ts.Expression | undefined;
      let isCall = false;
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.expression.getText(sf) === 'AppError' && FACTORIES.has(node.expression.name.text)) {
        isCall = true;
        message = node.arguments[0];
      } else if (ts.isNewExpression(node) && node.expression.getText(sf) === 'AppError') {
        isCall = true;
        message = node.arguments?.[2];
      }
      if (isCall) {
        checked++;
        if (message && !isBilingualType(checker, checker.getTypeAtLocation(message))) {
          const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
          offending.push(`${path.relative(ROOT, file)}:${line + 1}  ${node.getText(sf).slice(0, 100)}`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return { checked, offending };
}

describe('unit: every refusal the services word is bilingual (source guard)', function () {
  this.timeout(120_000);

  it('when the modules, src/http and src/db are read, then every AppError message is typed {vi, en}', () => {
    const files = [
      ...sources(path.join(ROOT, 'src/modules'), /^$/),
      ...sources(path.join(ROOT, 'src/http'), /^$/),
      ...sources(path.join(ROOT, 'src/db'), /^$/),
    ];
    const { checked, offending } = englishOnly(files);
    expect(checked, 'the guard finds the calls it guards').to.be.greaterThan(100);
    expect(offending, offending.join('\n')).to.deep.equal([]);
  });

  it('when a source words a refusal in English only (a literal, a template, a string variable), then the guard names each one', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-'));
    try {
      const file = path.join(dir, 'sample.ts');
      const errors = path.join(ROOT, 'src/http/errors').replace(/\\/g, '/');
      fs.writeFileSync(file, [
        `import { AppError } from '${errors}';`,
        'const reason: string = String(Date.now());',
        'const bi = { vi: "Không", en: "No" };',
        'export const a = AppError.conflict("English only");',
        'export const b = AppError.unprocessable(`English ${reason}`);',
        'export const c = AppError.forbidden(reason);',
        'export const d = new AppError(413, "payload_too_large", "Too big");',
        'export const e = AppError.notFound("Thing");',
        'export const ok1 = AppError.conflict({ vi: "Trùng", en: "Taken" });',
        'export const ok2 = AppError.forbidden(bi);',
        'export const ok3 = AppError.forbidden();',
      ].join('\n'));
      const { checked, offending } = englishOnly([file]);
      expect(checked).to.equal(8);
      expect(offending.map((o) => o.replace(/^.*sample\.ts:(\d+).*$/, '$1'))).to.deep.equal(['4', '5', '6', '7', '8']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
