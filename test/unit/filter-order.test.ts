import { expect } from 'chai';
import mongoose from 'mongoose';
import { filtersOf, misplacedId } from '../helpers/filter-order';
import { Board } from '../../src/modules/findings/finding.board';

// The check the root hooks apply to every command of a test run (test/helpers/filter-order.ts).
describe('filter order: an _id equality must lead a filter (FerretDB uses the _id index only then)', () => {
  const oid = new mongoose.Types.ObjectId();

  it('when an _id equality follows another key, then it is misplaced; first, or an operator such as $in, or absent, then not', () => {
    expect(misplacedId({ $or: [{ a: 1 }], _id: 'b1' })).to.equal(true);
    expect(misplacedId({ version: 3, _id: oid })).to.equal(true);
    expect(misplacedId({ _id: 'b1', $or: [{ a: 1 }] })).to.equal(false);
    expect(misplacedId({ _id: oid, version: 3 })).to.equal(false);
    expect(misplacedId({ status: 'open', _id: { $in: [oid] } })).to.equal(false);
    expect(misplacedId({ status: 'open' })).to.equal(false);
    expect(misplacedId(undefined)).to.equal(false);
  });

  it('when commands carry filters, then each statement of an update or delete is checked, and find, count and findAndModify by their own field', () => {
    expect(filtersOf('update', { update: 'x', updates: [{ q: { a: 1 } }, { q: { b: 2 } }] })).to.deep.equal([{ a: 1 }, { b: 2 }]);
    expect(filtersOf('delete', { delete: 'x', deletes: [{ q: { c: 3 } }] })).to.deep.equal([{ c: 3 }]);
    expect(filtersOf('find', { find: 'x', filter: { d: 4 } })).to.deep.equal([{ d: 4 }]);
    expect(filtersOf('findAndModify', { findAndModify: 'x', query: { e: 5 } })).to.deep.equal([{ e: 5 }]);
    expect(filtersOf('insert', { insert: 'x', documents: [] })).to.deep.equal([]);
  });

  it('when mongoose is given {_id, $or} as a filter argument, then it moves $or first (why putEntry sets its filter with setQuery)', () => {
    const given = Board.updateOne({ _id: 'b1', $or: [{ 'items.f.v': { $lt: 2 } }] }, { $set: { 'items.f': { v: 2 } } });
    expect(misplacedId(given.getFilter())).to.equal(true);
    const kept = Board.updateOne({}, { $set: { 'items.f': { v: 2 } } });
    kept.setQuery({ _id: 'b1', $or: [{ 'items.f.v': { $lt: 2 } }] });
    expect(misplacedId(kept.getFilter())).to.equal(false);
  });
});
