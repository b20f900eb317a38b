/* Measures the page as a person sees it (see layout.ts); read as text and evaluated in the page. */
(() => {
    const w = globalThis;
    const doc = w.document;
    const vw = w.innerWidth;
    const name = (e) => `${e.tagName.toLowerCase()}${e.className && typeof e.className === 'string' ? `.${e.className.trim().split(/\s+/).join('.')}` : ''} "${(e.textContent ?? '').trim().slice(0, 40)}"`;
    const shown = (e) => {
      const s = w.getComputedStyle(e);
      const r = e.getBoundingClientRect();
      return s.visibility !== 'hidden' && s.display !== 'none' && r.width > 1 && r.height > 1;
    };
    const wide = [];
    for (const e of Array.from(doc.body.querySelectorAll('*'))) {
      if (!shown(e)) continue;
      const r = e.getBoundingClientRect();
      if (r.right > vw + 0.5) wide.push(`${name(e)} (right edge ${Math.round(r.right)} px)`);
    }
    const hiddenCells = [];
    for (const td of Array.from(doc.querySelectorAll('main td'))) {
      if ((td.textContent ?? '').trim() === '') continue;
      const r = td.getBoundingClientRect();
      if (!shown(td) || r.right > vw + 0.5 || r.left < -0.5) hiddenCells.push(name(td));
    }
    const chartText = [];
    for (const e of Array.from(doc.querySelectorAll('figure.chart *, svg text'))) {
      const own = Array.from(e.childNodes).filter((n) => n.nodeType === 3).map((n) => n.textContent).join('').trim();
      if (!own || !shown(e)) continue;
      // an SVG's text is drawn at its font size times the scale of its viewBox
      const scale = typeof e.getScreenCTM === 'function' && e.getScreenCTM() ? Math.abs(e.getScreenCTM().a) : 1;
      chartText.push({ text: own.slice(0, 40), px: parseFloat(w.getComputedStyle(e).fontSize) * scale });
    }
    const header = doc.querySelector('header.top');
    return { viewport: vw, scrollWidth: doc.documentElement.scrollWidth, headerHeight: header ? header.getBoundingClientRect().height : 0, wide, hiddenCells, chartText };
})()
