/*
 * On a phone a table becomes a list of cards (styles.css, max-width 640px): every cell shows its
 * column's heading before its value, so no column is hidden. The headings are copied onto the
 * cells (data-label) here, once for every table any page renders (and again when a page or the language
 * changes), so pages keep plain, accessible <table> markup.
 */
function label(table: HTMLTableElement): void {
  const head = table.tHead?.rows[0];
  if (!head) return;
  const names: string[] = [];
  for (const th of Array.from(head.cells)) for (let i = 0; i < Math.max(1, th.colSpan); i++) names.push((th.textContent ?? '').trim());
  for (const body of Array.from(table.tBodies)) {
    for (const row of Array.from(body.rows)) {
      let col = 0;
      for (const cell of Array.from(row.cells)) {
        const name = names[col] ?? '';
        if (cell.tagName === 'TD' && name && cell.dataset.label !== name) cell.dataset.label = name;
        col += Math.max(1, cell.colSpan);
      }
    }
  }
}

/** Starts labelling; returns the function that stops it. */
export function stackTables(root: HTMLElement = document.body): () => void {
  const run = () => root.querySelectorAll('table').forEach(label);
  // called before the browser paints the change, so a table never shows unlabelled cards
  const observer = new MutationObserver(run);
  observer.observe(root, { childList: true, subtree: true, characterData: true });
  run();
  return () => observer.disconnect();
}
