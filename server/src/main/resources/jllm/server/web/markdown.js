'use strict';
/*
 * Markdown to DOM, safely: model output only ever becomes text nodes inside a fixed set of elements
 * (p, h1-h6, ul/ol/li, blockquote, pre/code, strong, em, hr, br, a). No innerHTML anywhere; links keep
 * http(s) targets only (anything else, javascript: included, stays plain text); images are never loaded,
 * their alt text is shown. Every text run knows its offsets in the source, so it can be split into
 * per-token spans that carry each token's probability.
 */
const Markdown = (() => {
  const SAFE_URL = /^https?:\/\/[^\s<>"']+$/i;

  function el(tag, cls) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    return e;
  }

  /** Probability class of a token: unlikely ones are coloured. */
  function probClass(p) {
    return p < 0.1 ? 'tok p-low' : p < 0.5 ? 'tok p-mid' : 'tok';
  }

  /**
   * Renders src into a fragment. tokens (optional): [{start, end, p, tip}] char ranges of src, sorted.
   */
  function render(src, tokens) {
    const frag = document.createDocumentFragment();
    const cx = { src, tokens: tokens || [] };
    blocks(frag, cx);
    return frag;
  }

  // Appends src[a, b) as text, split into token spans where token ranges cover it.
  function textRun(parent, cx, a, b) {
    if (b <= a) return;
    const t = cx.tokens;
    let lo = 0, hi = t.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (t[mid].end <= a) lo = mid + 1; else hi = mid; }
    let i = a;
    for (let k = lo; k < t.length && t[k].start < b; k++) {
      const s = Math.max(t[k].start, a), e = Math.min(t[k].end, b);
      if (s > i) parent.appendChild(document.createTextNode(cx.src.slice(i, s)));
      if (e > Math.max(s, i)) {
        const span = el('span', probClass(t[k].p));
        span.textContent = cx.src.slice(Math.max(s, i), e);
        span.dataset.tok = String(k);
        parent.appendChild(span);
      }
      i = Math.max(i, e);
    }
    if (i < b) parent.appendChild(document.createTextNode(cx.src.slice(i, b)));
  }

  function lines(src) {
    const out = [];
    let pos = 0;
    for (const line of src.split('\n')) {
      out.push({ s: pos, e: pos + line.length, text: line });
      pos += line.length + 1;
    }
    return out;
  }

  const FENCE = /^\s*```/;
  const HEADING = /^(#{1,6})\s+/;
  const RULE = /^\s*([-*_])(\s*\1){2,}\s*$/;
  const QUOTE = /^\s*>\s?/;
  const ITEM = /^\s*([-*+]|\d{1,9}[.)])\s+/;

  function blocks(parent, cx) {
    const ls = lines(cx.src);
    let i = 0;
    while (i < ls.length) {
      const l = ls[i];
      let m;
      if (l.text.trim() === '') { i++; continue; }
      if (FENCE.test(l.text)) {
        const pre = el('pre'), code = el('code');
        pre.appendChild(code);
        i++;
        while (i < ls.length && !FENCE.test(ls[i].text)) {
          textRun(code, cx, ls[i].s, Math.min(ls[i].e + 1, cx.src.length));
          i++;
        }
        i++;
        parent.appendChild(pre);
        continue;
      }
      if ((m = HEADING.exec(l.text))) {
        const h = el('h' + m[1].length);
        inline(h, cx, l.s + m[0].length, l.e);
        parent.appendChild(h);
        i++;
        continue;
      }
      if (RULE.test(l.text)) { parent.appendChild(el('hr')); i++; continue; }
      if (QUOTE.test(l.text)) {
        const q = el('blockquote'), p = el('p');
        q.appendChild(p);
        let first = true;
        while (i < ls.length && (m = QUOTE.exec(ls[i].text))) {
          if (!first) p.appendChild(el('br'));
          inline(p, cx, ls[i].s + m[0].length, ls[i].e);
          first = false;
          i++;
        }
        parent.appendChild(q);
        continue;
      }
      if ((m = ITEM.exec(l.text))) {
        const ordered = /\d/.test(m[1]);
        const list = el(ordered ? 'ol' : 'ul');
        while (i < ls.length && (m = ITEM.exec(ls[i].text)) && /\d/.test(m[1]) === ordered) {
          const li = el('li');
          inline(li, cx, ls[i].s + m[0].length, ls[i].e);
          i++;
          while (i < ls.length && ls[i].text.trim() !== '' && /^\s+/.test(ls[i].text) && !ITEM.test(ls[i].text)) {
            li.appendChild(el('br'));
            inline(li, cx, ls[i].s, ls[i].e);
            i++;
          }
          list.appendChild(li);
        }
        parent.appendChild(list);
        continue;
      }
      const p = el('p');
      let first = true;
      while (i < ls.length && ls[i].text.trim() !== '' && !FENCE.test(ls[i].text) && !HEADING.test(ls[i].text)
             && !QUOTE.test(ls[i].text) && !(first === false && ITEM.test(ls[i].text)) && !RULE.test(ls[i].text)) {
        if (!first) p.appendChild(el('br'));
        inline(p, cx, ls[i].s, ls[i].e);
        first = false;
        i++;
      }
      parent.appendChild(p);
    }
  }

  function inline(parent, cx, a, b) {
    const src = cx.src;
    let i = a, start = a;
    const flush = (end) => { textRun(parent, cx, start, end); };
    while (i < b) {
      const c = src[i];
      if (c === '\\' && i + 1 < b && /[\\`*_[\]()#+\-.!>~|]/.test(src[i + 1])) {
        flush(i); start = i + 1; i += 2; continue;
      }
      if (c === '`') {
        const j = src.indexOf('`', i + 1);
        if (j > i && j < b) {
          flush(i);
          const code = el('code');
          textRun(code, cx, i + 1, j);
          parent.appendChild(code);
          i = start = j + 1;
          continue;
        }
      }
      if ((c === '*' || c === '_') && src[i + 1] === c) {
        const j = src.indexOf(c + c, i + 2);
        if (j > i + 2 && j + 1 < b) {
          flush(i);
          const s = el('strong');
          inline(s, cx, i + 2, j);
          parent.appendChild(s);
          i = start = j + 2;
          continue;
        }
      }
      if ((c === '*' || c === '_') && i + 1 < b && src[i + 1] !== ' ' && src[i + 1] !== c) {
        const j = src.indexOf(c, i + 1);
        if (j > i + 1 && j < b && src[j - 1] !== ' ') {
          flush(i);
          const em = el('em');
          inline(em, cx, i + 1, j);
          parent.appendChild(em);
          i = start = j + 1;
          continue;
        }
      }
      if (c === '[' || (c === '!' && src[i + 1] === '[')) {
        const open = c === '!' ? i + 1 : i;
        const close = src.indexOf(']', open + 1);
        if (close > open && close + 1 < b && src[close + 1] === '(') {
          const paren = src.indexOf(')', close + 2);
          if (paren > close && paren < b) {
            flush(i);
            const url = src.slice(close + 2, paren).trim();
            if (c === '!') {
              // images are never fetched: show the alt text
              const alt = el('span', 'note');
              alt.appendChild(document.createTextNode('[image: '));
              inline(alt, cx, open + 1, close);
              alt.appendChild(document.createTextNode(']'));
              parent.appendChild(alt);
            } else if (SAFE_URL.test(url)) {
              const link = el('a');
              link.href = url;
              link.rel = 'noopener noreferrer nofollow';
              link.referrerPolicy = 'no-referrer';
              link.target = '_blank';
              inline(link, cx, open + 1, close);
              parent.appendChild(link);
            } else {
              // any other scheme (javascript:, data:, ...) stays inert text, shown as written
              textRun(parent, cx, i, paren + 1);
            }
            i = start = paren + 1;
            continue;
          }
        }
      }
      i++;
    }
    flush(b);
  }

  return { render, probClass };
})();
